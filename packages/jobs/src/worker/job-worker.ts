import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { Job, Worker, type Queue } from 'bullmq';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import type { SandboxInventory, SandboxRunner } from '@job-runner/sandbox';
import { announceEnds } from '../callbacks/announce-ends';
import { CallbackWorker } from '../callbacks/callback-worker';
import { createFileStore } from '../files/create-file-store';
import type { FileStore } from '../files/file-store';
import { JobFiles } from '../files/job-files';
import { LogStore } from '../logs/log-store';
import { STALLED_REASON } from '../queue/bullmq-internals';
import { createQueue } from '../queue/create-queue';
import type { JobData, RunSummary } from '../queue/job-data';
import { cancelChannel, keyBase, keyPrefix } from '../queue/queue-names';
import { closeOver } from '../queue/close-over';
import type { RedisClient } from '../queue/redis-client';
import { redisConnection } from '../queue/redis-connection';
import { CancelRegistry } from './cancel-registry';
import { note } from './job-note';
import { createJobProcessor } from './job-processor';
import { WORKER_LABEL } from './orphan-reaper';
import { bullmqTelemetry } from '../telemetry/bullmq-telemetry';
import { WorkerUpkeep } from './worker-upkeep';

/** A worker's id: the host, the process and a random part (a restarted process is another). */
export const newWorkerId = (): string =>
  `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

export interface JobWorkerOptions {
  /** Default: a new one. The runner's sandboxes carry it (WORKER_LABEL) from the start. */
  id?: string;
  config: Config;
  logger: Logger;
  /** Runs the programs; the app builds it (Docker, or the unsandboxed local runner). */
  runner: SandboxRunner;
  /** The engine's sandboxes, for the reaper; absent for the local runner. */
  inventory?: SandboxInventory;
}

/**
 * One worker process's share of the queue: a BullMQ Worker running jobs in sandboxes, and a
 * subscription to cancel requests for the jobs it holds.
 */
export class JobWorker {
  readonly id: string;
  readonly runner: SandboxRunner;
  private worker?: Worker<JobData, RunSummary>;
  private readonly cancels = new CancelRegistry();
  private readonly connection: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly log: Logger;
  private queue?: Queue<JobData>;
  /** Delivers job-end callbacks, beside the jobs and never in their way. */
  private callbacks?: CallbackWorker;
  private upkeep?: WorkerUpkeep;
  /** Set while the Docker engine does not answer: the worker takes no job meanwhile. */
  private engineDown: Promise<void> | null = null;
  private closing = false;
  private files?: FileStore;

  constructor(private readonly opts: JobWorkerOptions) {
    const { config } = opts;
    this.id = opts.id ?? newWorkerId();
    this.runner = opts.runner;
    this.log = opts.logger.child({ workerId: this.id });
    this.connection = redisConnection(config, `worker:${this.id}`);
    // No connection name: ioredis would send CLIENT SETNAME on every reconnect, which a
    // connection in subscriber mode refuses, and the cancel subscription would be lost.
    this.subscriber = redisConnection(config);
    this.subscriber.on('error', (err: Error) =>
      this.log.warn('cancel channel error (ioredis reconnects)', { error: err.message }),
    );
  }

  /** Labels every sandbox of this worker carries (the reaper finds its leftovers by them). */
  get labels(): Record<string, string> {
    return { [WORKER_LABEL]: this.id };
  }

  async start(): Promise<void> {
    const { config } = this.opts;
    if (this.runner.kind === 'local') {
      this.log.warn(
        'USE_DOCKER=0: user code runs as a plain child process, NOT SANDBOXED; never use this in production',
      );
    }
    const local = new JobFiles(config.jobDataDir);
    const files = createFileStore(config, local, this.id);
    this.files = files;
    await files.init();
    // The outbound network and its firewall, before the first job (never fatal: such jobs are
    // refused while it is not in place).
    const images = [...new Set(Object.values(config.runtimes))];
    for (const remark of (await this.runner.prepare?.(images)) ?? []) this.log.warn(remark);
    const logs = new LogStore(this.connection, keyBase(this.connection, config.queueName));
    const traced = !!config.tracing.endpoint;
    const queue = createQueue(
      config.queueName,
      this.connection,
      { ...config.retry, traced },
      config.retention,
    );
    this.queue = queue;
    const callbacks = new CallbackWorker({
      config,
      connection: this.connection,
      jobs: queue,
      logger: this.log,
    });
    this.callbacks = callbacks;
    const runJob = createJobProcessor({
      runner: this.runner,
      files,
      secretsKey: config.secretsKey,
      logs,
      cancels: this.cancels,
      logger: this.opts.logger,
      runtimes: config.runtimes,
      maxLogBytes: config.output.maxLogBytes,
      labels: this.labels,
      isCanceled: async (job) =>
        Boolean((await Job.fromId<JobData>(queue, String(job.id)))?.data.canceled),
      // Its watch outlives the job that noticed (and restarts BullMQ's stalled-job checks): it
      // must not run in that job's trace.
      onEngineDown: (reason) => context.with(ROOT_CONTEXT, () => this.onEngineDown(reason)),
      inventory: this.opts.inventory,
    });
    // Every end this worker makes queues its callback (when the job has one) as it is recorded.
    const processor = announceEnds(runJob, (job) => callbacks.announce(job));
    this.upkeep = new WorkerUpkeep({
      config,
      workerId: this.id,
      redis: this.connection,
      queue,
      files,
      local,
      logs,
      inventory: this.opts.inventory,
      running: () => this.cancels.ids(),
      pooled: () => this.runner.pooledIds?.() ?? new Set(),
      status: () => ({ pool: this.runner.poolStats?.() ?? null, engine: !this.engineDown }),
      logger: this.log,
    });
    // Registered (and dead workers' sandboxes reaped) before the first job is taken.
    await this.upkeep.start();
    await callbacks.start();
    // Subscribing only once ready keeps SUBSCRIBE out of the connection's own set-up commands.
    if (this.subscriber.status !== 'ready') {
      await new Promise<void>((resolve) => this.subscriber.once('ready', () => resolve()));
    }
    await this.subscriber.subscribe(cancelChannel(this.subscriber, config.queueName));
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      if (this.cancels.cancel(jobId)) this.log.info('cancel requested', { jobId });
    });
    this.worker = new Worker<JobData, RunSummary>(config.queueName, processor, {
      connection: this.connection,
      prefix: keyPrefix(this.connection),
      ...bullmqTelemetry(traced),
      concurrency: config.workerConcurrency,
      // A dead worker's job is given back once its lock runs out; see MAX_STALLED_COUNT.
      lockDuration: config.lifecycle.lockDurationMs,
      stalledInterval: config.lifecycle.stalledIntervalMs,
      maxStalledCount: config.lifecycle.maxStalledCount,
    });
    this.worker.on('error', (err) => this.log.error('worker error', { error: err.message }));
    this.worker.on('failed', (job, err) => {
      // A job failed for stalling never reached a processor: its log still needs its end.
      if (job && err.message === STALLED_REASON) {
        // Failed without reaching a processor, so announceEnds did not see this end either.
        void callbacks.announce(job);
        const id = String(job.id);
        void logs
          .append(id, note('platform error: its worker died while running it, too often'))
          .then(() => logs.end(id))
          .catch(() => undefined);
      }
      if (job)
        this.log.info('job failed', {
          jobId: job.id,
          error: err.message,
          attemptsMade: job.attemptsMade,
        });
    });
    await this.worker.waitUntilReady();
    this.log.info('worker started', {
      queue: config.queueName,
      concurrency: config.workerConcurrency,
      sandbox: this.runner.kind,
    });
  }

  /**
   * The engine went away under a job (which was handed back, no attempt spent): take no job
   * until it answers again, then make the pool again, remove what this worker left on it, and
   * take jobs again. An outage is the platform's, not the jobs'.
   */
  private onEngineDown(reason: string): void {
    if (this.engineDown || this.closing) return;
    this.log.warn('the Docker engine does not answer: taking no job until it is back', { reason });
    this.engineDown = (async () => {
      await this.worker?.pause(true).catch(() => undefined);
      const images = [...new Set(Object.values(this.opts.config.runtimes))];
      while (!this.closing) {
        await new Promise((r) => setTimeout(r, 1000));
        const checks = await this.runner.check(images);
        if (checks.find((c) => c.name === 'docker')?.ok) break;
      }
      if (this.closing) return;
      await this.runner.recover?.().catch(() => undefined);
      const removed = await this.upkeep?.reapOwnLeftovers().catch(() => 0);
      this.engineDown = null;
      // Async since BullMQ 6: the worker takes jobs again once it has resumed.
      await this.worker?.resume();
      this.log.info('the Docker engine answers again: taking jobs', { leftoversRemoved: removed });
    })();
  }

  /**
   * Graceful stop (SIGTERM): takes no new job, lets running ones finish within the grace period
   * (SHUTDOWN_GRACE_SEC), then stops their sandboxes and hands the jobs back to the queue for
   * a rerun elsewhere, and closes every connection.
   */
  async shutdown(graceMs = this.opts.config.lifecycle.shutdownGraceSec * 1000): Promise<void> {
    if (this.worker) {
      void this.worker.close(); // takes no new job from here on; awaited in close()
      const idle = this.cancels.idle();
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        idle.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
      ]);
      clearTimeout(timer);
      if (late) {
        const ids = this.cancels.handBackAll();
        this.log.warn('grace period over: handing running jobs back', { jobs: ids });
        await idle;
      }
    }
    await this.close();
  }

  /** Closes once running jobs have ended, however long that takes (`shutdown` bounds it). */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (worker) {
      const closing = worker.close(); // takes no new job from here on
      // The running jobs end first, however long that takes: that wait is theirs. Only then is
      // BullMQ's close bounded (closeOver): after a Redis outage it can wait for ever on a
      // blocking connection still in its reconnect back-off, and a stop must end.
      await this.cancels.idle();
      await closeOver(this.connection, () => closing);
    }
    await this.callbacks?.close();
    await this.engineDown;
    await this.runner.close?.();
    // Its ticks talk to Redis on this connection: a tick waiting for Redis must not hold the stop.
    const upkeep = this.upkeep;
    if (upkeep) await closeOver(this.connection, () => upkeep.stop());
    const queue = this.queue;
    if (queue) await closeOver(this.connection, () => queue.close());
    await closeOver(this.subscriber, () => this.subscriber.quit());
    await closeOver(this.connection, () => this.connection.quit());
    this.files?.close();
  }
}
