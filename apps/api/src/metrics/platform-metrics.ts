import { QueueEvents, type Job, type Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  closeOver,
  keyPrefix,
  redisConnection,
  startsOf,
  toJobView,
  type JobData,
  type RedisClient,
  type RedisTarget,
  type WorkerRegistry,
} from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { withTimeout } from '../health/with-timeout';
import { verdictLabel } from './verdict-label';

/**
 * The states whose counts are exported; together they are every job BullMQ holds (since BullMQ 6
 * the jobs of a paused queue stay in `waiting`: there is no `paused` list).
 */
const STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'completed',
  'failed',
  'waiting-children',
] as const;

const SCRAPE_TIMEOUT_MS = 2000;

/**
 * What /metrics serves, in a registry of its own (one per app, so several servers can share a
 * process, as the tests do).
 *
 * Across processes: job ends and queue waits are counted here, in the API, from BullMQ's event
 * stream (QueueEvents), so they include the jobs of every worker process, inline or separate.
 * Queue depth and sandboxes running are read from BullMQ at scrape time: a sandbox exists exactly
 * while its job is active (one per active job), so the active count is the sandboxes running on
 * every worker. Every API replica therefore reports the whole platform: take `max`, not `sum`,
 * across replicas. HTTP and process metrics are this process's own.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly jobsEnded: Counter<'status' | 'verdict'>;
  readonly queueWait: Histogram;
  readonly runDuration: Histogram<'status'>;
  readonly cpuTime: Histogram<'status'>;
  private events?: QueueEvents;
  private eventsConnection?: RedisClient;

  constructor(
    private readonly queue: Queue,
    private readonly logger: Logger,
    workers?: WorkerRegistry,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'job_runner_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'job_runner_http_request_duration_seconds',
      help: 'HTTP request duration (SSE streams and sync waits included) by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers,
    });
    this.jobsEnded = new Counter({
      name: 'job_runner_jobs_ended_total',
      help: 'Jobs that ended, by status (succeeded, failed, canceled) and verdict',
      labelNames: ['status', 'verdict'],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'job_runner_job_queue_wait_seconds',
      help: 'Time from submission to the first start of a job',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers,
    });
    this.runDuration = new Histogram({
      name: 'job_runner_job_run_duration_seconds',
      help: "Duration of a job's program run in its sandbox, by the job's status",
      labelNames: ['status'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.cpuTime = new Histogram({
      name: 'job_runner_job_cpu_seconds',
      help: "CPU time (user + system) of a job's program and everything it started, by the job's status",
      labelNames: ['status'],
      // From an interpreter that prints one line (some 0.05 s) to a 600 s run on several CPUs.
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800],
      registers,
    });
    const read = <T>(p: Promise<T>) => withTimeout(p, SCRAPE_TIMEOUT_MS, 'Redis');
    const log = this.logger;
    new Gauge({
      name: 'job_runner_queue_jobs',
      help: 'Jobs in the queue by BullMQ state, read from BullMQ at scrape time',
      labelNames: ['state'],
      registers,
      async collect() {
        try {
          const counts = await read(queue.getJobCounts(...STATES));
          for (const state of STATES) this.set({ state }, counts[state] ?? 0);
        } catch (err) {
          // Leave the series out rather than report a made-up zero.
          this.reset();
          log.debug('queue depth not read', { error: (err as Error).message });
        }
      },
    });
    if (workers) this.describeWorkers(workers, read);
    new Gauge({
      name: 'job_runner_sandboxes_running',
      help: 'Sandboxes running on all workers (one per active job), read from BullMQ',
      registers,
      async collect() {
        try {
          this.set(await read(queue.getActiveCount()));
        } catch {
          this.reset();
        }
      },
    });
  }

  /** Workers alive, their engines, and their sandbox pools, from their heartbeats. */
  private describeWorkers(workers: WorkerRegistry, read: <T>(p: Promise<T>) => Promise<T>): void {
    const registers = [this.registry];
    // One read of the registry per scrape, shared by the gauges below.
    let pending: Promise<Awaited<ReturnType<WorkerRegistry['alive']>>> | null = null;
    const alive = () => {
      pending ??= read(workers.alive()).finally(() => setImmediate(() => (pending = null)));
      return pending;
    };
    new Gauge({
      name: 'job_runner_workers_alive',
      help: 'Workers whose heartbeat is alive, and of those, how many find their Docker engine',
      labelNames: ['engine'],
      registers,
      async collect() {
        this.reset();
        const list = await alive().catch(() => null);
        if (!list) return;
        this.set({ engine: 'up' }, list.filter((w) => w.status.engine !== false).length);
        this.set({ engine: 'down' }, list.filter((w) => w.status.engine === false).length);
      },
    });
    new Gauge({
      name: 'job_runner_sandbox_pool_ready',
      help: 'Sandboxes made ahead of time and waiting for a job, per worker',
      labelNames: ['worker'],
      registers,
      async collect() {
        this.reset();
        for (const w of (await alive().catch(() => null)) ?? [])
          if (w.status.pool) this.set({ worker: w.id }, w.status.pool.ready);
      },
    });
    new Gauge({
      name: 'job_runner_sandbox_pool_takes',
      help: 'Jobs that found a ready sandbox (hit) or made one (miss), per worker since it started',
      labelNames: ['worker', 'result'],
      registers,
      async collect() {
        this.reset();
        for (const w of (await alive().catch(() => null)) ?? []) {
          if (!w.status.pool) continue;
          this.set({ worker: w.id, result: 'hit' }, w.status.pool.hits);
          this.set({ worker: w.id, result: 'miss' }, w.status.pool.misses);
        }
      },
    });
  }

  /** Exports how many log streams (SSE) this process serves. */
  countStreams(inUse: () => number): void {
    new Gauge({
      name: 'job_runner_sse_streams',
      help: 'Log streams (SSE) this API process serves now (capped by MAX_SSE_STREAMS)',
      registers: [this.registry],
      collect() {
        this.set(inUse());
      },
    });
  }

  /** Starts counting job ends and waits from BullMQ's event stream (new events only). */
  async start(target: RedisTarget, queueName: string): Promise<void> {
    this.eventsConnection = redisConnection(target, 'api-metrics-events');
    this.events = new QueueEvents(queueName, {
      connection: this.eventsConnection,
      prefix: keyPrefix(this.eventsConnection),
    });
    this.events.on('error', (err) =>
      this.logger.warn('metrics queue events error', { error: err.message }),
    );
    this.events.on('completed', ({ jobId }) => void this.observeEnd(jobId, 'completed'));
    this.events.on('failed', ({ jobId }) => void this.observeEnd(jobId, 'failed'));
    this.events.on('active', ({ jobId }) => void this.observeStart(jobId));
    await this.events.waitUntilReady();
  }

  private async job(jobId: string): Promise<Job<JobData> | null> {
    try {
      return ((await this.queue.getJob(jobId)) as Job<JobData> | undefined) ?? null;
    } catch (err) {
      this.logger.debug('metrics: job not read', { jobId, error: (err as Error).message });
      return null;
    }
  }

  private async observeEnd(jobId: string, state: 'completed' | 'failed'): Promise<void> {
    const job = await this.job(jobId);
    if (!job) {
      // Removed already (or unreadable): still counted, without its details.
      this.jobsEnded.inc({
        status: state === 'completed' ? 'succeeded' : 'failed',
        verdict: state === 'completed' ? 'succeeded' : 'other',
      });
      return;
    }
    const view = toJobView(job, state);
    this.jobsEnded.inc({ status: view.status, verdict: verdictLabel(view) });
    if (view.duration_ms !== null && view.duration_ms > 0)
      this.runDuration.observe({ status: view.status }, view.duration_ms / 1000);
    // Null when the program never ran (canceled before its start) or the runner cannot tell.
    if (view.cpu_time_ms !== null)
      this.cpuTime.observe({ status: view.status }, view.cpu_time_ms / 1000);
  }

  private async observeStart(jobId: string): Promise<void> {
    const job = await this.job(jobId);
    // Only the first start: a retry's wait would count the earlier attempts' run time too.
    if (!job?.processedOn || startsOf(job) > 1) return;
    this.queueWait.observe(Math.max(0, job.processedOn - job.timestamp) / 1000);
  }

  async close(): Promise<void> {
    const events = this.events;
    if (events && this.eventsConnection)
      await closeOver(this.eventsConnection, () => events.close());
    this.eventsConnection?.disconnect();
  }
}
