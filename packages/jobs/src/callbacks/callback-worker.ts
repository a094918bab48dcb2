import { Worker, type Job, type Queue } from 'bullmq';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import type { JobData } from '../queue/job-data';
import { keyPrefix } from '../queue/queue-names';
import type { RedisClient } from '../queue/redis-client';
import type { CallbackData, CallbackReceipt } from './callback-data';
import { createCallbackProcessor } from './callback-processor';
import { callbackQueueName, createCallbackQueue } from './callback-queue';
import { bullmqTelemetry } from '../telemetry/bullmq-telemetry';
import { enqueueCallback } from './enqueue-callback';
import { CLOSE_GRACE_MS, closeOver } from '../queue/close-over';

/**
 * Deliveries one process makes at once. They wait on the network, not on the CPU; a receiver
 * that hangs holds one for CALLBACK_TIMEOUT_MS at most.
 */
export const CALLBACK_CONCURRENCY = 10;

export interface CallbackWorkerOptions {
  config: Config;
  /** Shared with the job worker; BullMQ makes its own blocking connection from it. */
  connection: RedisClient;
  /** The jobs queue the callbacks tell the ends of. */
  jobs: Queue<JobData>;
  logger: Logger;
}

/**
 * A worker process's deliveries of job-end callbacks: a BullMQ Worker of its own on the
 * callbacks queue, beside the job worker, so a receiver that is down or slow never takes a job's
 * place (and a busy job worker never delays a callback).
 */
export class CallbackWorker {
  readonly queue: Queue<CallbackData, CallbackReceipt>;
  private worker?: Worker<CallbackData, CallbackReceipt>;
  private readonly log: Logger;

  constructor(private readonly opts: CallbackWorkerOptions) {
    const { config, connection } = opts;
    this.log = opts.logger.child({ part: 'callbacks' });
    this.queue = createCallbackQueue(
      config.queueName,
      connection,
      { ...config.callbacks, traced: !!config.tracing.endpoint },
      config.retention,
    );
  }

  async start(): Promise<void> {
    const { config, connection, jobs } = this.opts;
    if (!config.callbacks.secret)
      this.log.info('no CALLBACK_SECRET: callbacks cannot be signed, so none will be delivered');
    const processor = createCallbackProcessor({
      jobs,
      secret: config.callbacks.secret,
      timeoutMs: config.callbacks.timeoutMs,
      allowedHosts: config.callbacks.allowedHosts,
      logger: this.log,
    });
    this.worker = new Worker<CallbackData, CallbackReceipt>(
      callbackQueueName(config.queueName),
      processor,
      {
        connection,
        prefix: keyPrefix(connection),
        ...bullmqTelemetry(!!config.tracing.endpoint),
        concurrency: CALLBACK_CONCURRENCY,
        // An attempt is the resolution plus one request, each bounded by CALLBACK_TIMEOUT_MS.
        lockDuration: Math.max(30_000, 4 * config.callbacks.timeoutMs),
      },
    );
    this.worker.on('error', (err) =>
      this.log.error('callback worker error', { error: err.message }),
    );
    this.worker.on('failed', (job, err) => {
      if (job)
        this.log.warn('callback attempt failed', {
          jobId: job.id,
          attempt: job.attemptsMade,
          error: err.message,
        });
    });
    await this.worker.waitUntilReady();
  }

  /** Queues the delivery of this job's end, when it has a callback_url (see enqueueCallback). */
  announce(job: Pick<Job<JobData>, 'id' | 'data'>): Promise<void> {
    return enqueueCallback(this.queue, job, this.log);
  }

  /** Lets attempts under way end (each within CALLBACK_TIMEOUT_MS), then stops. */
  async close(): Promise<void> {
    const { connection } = this.opts;
    const worker = this.worker;
    // An attempt under way ends within CALLBACK_TIMEOUT_MS; BullMQ's close is bounded past that.
    if (worker)
      await closeOver(
        connection,
        () => worker.close(),
        this.opts.config.callbacks.timeoutMs + CLOSE_GRACE_MS,
      );
    await closeOver(connection, () => this.queue.close());
  }
}
