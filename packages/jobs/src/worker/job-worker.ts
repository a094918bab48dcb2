import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import { DockerRunner, LocalRunner, type SandboxRunner } from '@job-runner/sandbox';
import { JobFiles } from '../files/job-files';
import { LogStore } from '../logs/log-store';
import type { JobData, RunSummary } from '../queue/job-data';
import { cancelChannel, KEY_PREFIX, keyBase } from '../queue/queue-names';
import { redisConnection } from '../queue/redis-connection';
import { CancelRegistry } from './cancel-registry';
import { createJobProcessor } from './job-processor';

/** Label on every sandbox container naming the worker that owns it. */
export const WORKER_LABEL = 'job-runner.worker-id';

export interface JobWorkerOptions {
  config: Config;
  redisUrl: string;
  logger: Logger;
  /** Defaults to a DockerRunner (USE_DOCKER=1) or a LocalRunner. */
  runner?: SandboxRunner;
}

/**
 * One worker process's share of the queue: a BullMQ Worker running jobs in sandboxes, and a
 * subscription to cancel requests for the jobs it holds.
 */
export class JobWorker {
  readonly id = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly runner: SandboxRunner;
  private worker?: Worker<JobData, RunSummary>;
  private readonly cancels = new CancelRegistry();
  private readonly connection: Redis;
  private readonly subscriber: Redis;
  private readonly log: Logger;

  constructor(private readonly opts: JobWorkerOptions) {
    const { config } = opts;
    this.log = opts.logger.child({ workerId: this.id });
    this.runner =
      opts.runner ??
      (config.useDocker
        ? new DockerRunner({
            dockerHost: config.dockerHost || undefined,
            maxArtifacts: config.output.maxArtifacts,
            maxArtifactBytes: config.output.maxArtifactBytes,
            filesBytes: config.uploads.maxBodyBytes,
            tmpBytes: config.output.tmpSizeMb * 1024 * 1024,
            runtime: config.sandboxRuntime || undefined,
            outboundNetwork: config.outbound.enabled ? config.outbound.network : undefined,
          })
        : new LocalRunner({
            maxArtifacts: config.output.maxArtifacts,
            maxArtifactBytes: config.output.maxArtifactBytes,
          }));
    this.connection = redisConnection(opts.redisUrl, `worker:${this.id}`);
    this.subscriber = redisConnection(opts.redisUrl, `worker-cancel:${this.id}`);
  }

  async start(): Promise<void> {
    const { config } = this.opts;
    if (this.runner.kind === 'local') {
      this.log.warn(
        'USE_DOCKER=0: user code runs as a plain child process, NOT SANDBOXED; never use this in production',
      );
    }
    const files = new JobFiles(config.jobDataDir);
    await files.init();
    // The outbound network and its firewall, before the first job (never fatal: such jobs are
    // refused while it is not in place).
    for (const remark of (await this.runner.prepare?.()) ?? []) this.log.warn(remark);
    const logs = new LogStore(this.connection, keyBase(config.queueName));
    const processor = createJobProcessor({
      runner: this.runner,
      files,
      logs,
      cancels: this.cancels,
      logger: this.opts.logger,
      runtimes: config.runtimes,
      maxLogBytes: config.output.maxLogBytes,
      labels: { [WORKER_LABEL]: this.id },
      isCanceled: (job) => this.isCanceled(job),
    });
    await this.subscriber.subscribe(cancelChannel(config.queueName));
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      if (this.cancels.cancel(jobId)) this.log.info('cancel requested', { jobId });
    });
    this.worker = new Worker<JobData, RunSummary>(config.queueName, processor, {
      connection: this.connection,
      prefix: KEY_PREFIX,
      concurrency: config.workerConcurrency,
    });
    this.worker.on('error', (err) => this.log.error('worker error', { error: err.message }));
    this.worker.on('failed', (job, err) => {
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

  private async isCanceled(job: Job<JobData>): Promise<boolean> {
    const raw = await this.connection.hget(
      `${keyBase(this.opts.config.queueName)}:${job.id}`,
      'data',
    );
    return raw ? Boolean((JSON.parse(raw) as JobData).canceled) : false;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.subscriber.quit().catch(() => undefined);
    await this.connection.quit().catch(() => undefined);
  }
}
