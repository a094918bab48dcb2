import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { QueueEvents, type Job, type Queue } from 'bullmq';
import type Joi from 'joi';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import type { CallbackData, CallbackReceipt } from '../callbacks/callback-data';
import { createCallbackQueue } from '../callbacks/callback-queue';
import { callbackView } from '../callbacks/callback-view';
import { enqueueCallback } from '../callbacks/enqueue-callback';
import { vetCallbackUrl } from '../callbacks/vet-callback-url';
import { ArtifactNotFoundError } from '../errors/artifact-not-found-error';
import { JobAlreadyEndedError } from '../errors/job-already-ended-error';
import { JobNotFoundError } from '../errors/job-not-found-error';
import { createFileStore } from '../files/create-file-store';
import type { FileStore, StoredArtifact } from '../files/file-store';
import { JobFiles, type JobDirs } from '../files/job-files';
import { removeStale, STALE_STAGING_MS } from '../files/remove-stale';
import { LogFollower } from '../logs/log-follower';
import { LogStore, type LogRead } from '../logs/log-store';
import { createQueue } from '../queue/create-queue';
import { isJobId } from '../queue/job-id';
import { visibleTo, type FileInfo, type JobData } from '../queue/job-data';
import { jobName } from '../queue/job-name';
import { hasEnded, toJobView, type JobView } from '../queue/job-view';
import { cancelChannel, keyBase, keyPrefix } from '../queue/queue-names';
import { closeOver } from '../queue/close-over';
import type { RedisClient } from '../queue/redis-client';
import { redisConnection } from '../queue/redis-connection';
import type { JobSpec } from '../spec/job-spec';
import { specSchema } from '../spec/spec-schema';
import { writeJobEnv } from '../secrets/job-env-file';
import { redactSpec } from '../secrets/redact';
import { validateSpec } from '../spec/validate-spec';
import { listJobs, type JobPage, type ListQuery } from './job-listing';

export interface SubmitFiles {
  code: FileInfo[];
  input: FileInfo[];
}

/** An artifact found for reading: read it (whole or a range) or close it. */
export type OpenArtifact = StoredArtifact;

/**
 * What the API does with jobs, over BullMQ's own structures: submit, read, wait, cancel, and the
 * job's log and artifacts. Every operation on a job answers JobNotFoundError itself (an id that
 * is not of the form this service hands out is not even looked up), so handlers stay thin.
 *
 * `owner` is the caller's API key id (undefined on a server without keys): a job submitted
 * with another key is JobNotFoundError to it, exactly as a job that does not exist, so ids of
 * others' jobs cannot even be confirmed.
 */
export class JobService {
  /** The jobs queue, for the operator surface (the board, metrics); handlers use the methods. */
  readonly queue: Queue<JobData>;
  /** The spec schema requests are validated with (also rendered into the OpenAPI document). */
  readonly schema: Joi.ObjectSchema;
  /** Deliveries of job-end callbacks: their state is part of each view, and the board shows them. */
  readonly callbacks: Queue<CallbackData, CallbackReceipt>;
  private readonly connection: RedisClient;
  private readonly logs: LogStore;
  /** This process's own disk: uploads are staged here before the store takes them. */
  private readonly files: JobFiles;
  private readonly store: FileStore;
  private queueEvents?: QueueEvents;
  private eventsConnection?: RedisClient;
  private follower?: LogFollower;
  private followerConnection?: RedisClient;

  constructor(
    readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.connection = redisConnection(config, 'api');
    this.queue = createQueue(
      config.queueName,
      this.connection,
      { ...config.retry, keepLogs: config.admin.logLines, traced: !!config.tracing.endpoint },
      config.retention,
    );
    this.callbacks = createCallbackQueue(
      config.queueName,
      this.connection,
      { ...config.callbacks, traced: !!config.tracing.endpoint },
      config.retention,
    );
    this.logs = new LogStore(this.connection, keyBase(this.connection, config.queueName));
    this.files = new JobFiles(config.jobDataDir);
    this.store = createFileStore(config, this.files);
    this.schema = specSchema({
      caps: config.limits,
      runtimes: Object.keys(config.runtimes),
      defaultRuntime: config.defaultRuntime,
    });
  }

  async init(): Promise<void> {
    await this.store.init();
    // Uploads a crash cut short: the workers' janitor sees this disk only when it is shared.
    await removeStale(this.files.stagingDir, STALE_STAGING_MS).catch(() => 0);
    this.eventsConnection = redisConnection(this.config, 'api-events');
    this.queueEvents = new QueueEvents(this.config.queueName, {
      connection: this.eventsConnection,
      prefix: keyPrefix(this.eventsConnection),
    });
    this.queueEvents.on('error', (err) =>
      this.logger.warn('queue events error', { error: err.message }),
    );
    // Every sync request waiting on a job listens here, and on the queue's `closing`, for as long
    // as it waits (BullMQ's waitUntilFinished).
    this.queueEvents.setMaxListeners(0);
    this.queue.setMaxListeners(0);
    await this.queueEvents.waitUntilReady();
    this.followerConnection = redisConnection(this.config, 'api-log-follower');
    this.follower = new LogFollower(this.logs, this.followerConnection, this.connection);
    await this.warnOfLegacyPaused().catch(() => undefined);
  }

  /**
   * Jobs that BullMQ 5 (the previous release) put in its `paused` list while the queue was
   * paused: BullMQ 6 has no such list, and they wait there, uncounted, until the queue is resumed.
   */
  private async warnOfLegacyPaused(): Promise<void> {
    const waiting = await this.connection.llen(
      `${keyBase(this.connection, this.config.queueName)}:paused`,
    );
    if (waiting > 0)
      this.logger.warn(
        `${waiting} job(s) wait in the paused list of the previous release (BullMQ 5): resume the queue (Bull Board, or Queue.resume()) to run them`,
        { queue: this.config.queueName },
      );
  }

  validateSpec(raw: unknown): JobSpec {
    return validateSpec(this.schema, raw);
  }

  stage(): Promise<JobDirs> {
    return this.files.stage();
  }

  discard(staged: JobDirs): Promise<void> {
    return this.files.discard(staged);
  }

  /**
   * Moves the staged files under a new job id and queues the job; on failure, nothing remains.
   * Answers the job as it was queued.
   */
  async submit(
    spec: JobSpec,
    staged: JobDirs,
    files: SubmitFiles,
    owner?: string,
  ): Promise<JobView> {
    if (spec.callback_url) {
      // Needs the network (DNS), so it is not part of the spec's schema; refused, it leaves no file.
      const { secret, timeoutMs, allowedHosts } = this.config.callbacks;
      await vetCallbackUrl(spec.callback_url, { secret, timeoutMs, allowedHosts }).catch(
        async (err: unknown) => {
          await this.files.discard(staged);
          throw err;
        },
      );
    }
    const jobId = randomUUID();
    // Secret values go with the files (sealed when there is a key); Redis (and so the board)
    // only sees their names.
    const key = this.config.secretsKey;
    await writeJobEnv(staged.root, spec.env, key ? { key, jobId } : null).catch(
      async (err: unknown) => {
        await this.files.discard(staged);
        throw err;
      },
    );
    await this.store.commit(staged, jobId);
    let job: Job<JobData>;
    try {
      job = await this.queue.add(
        jobName(spec),
        { spec: redactSpec(spec), files, envOnDisk: true, ...(owner ? { owner } : {}) },
        { jobId },
      );
    } catch (err) {
      await this.store.remove(jobId).catch(() => undefined);
      throw err;
    }
    // The request's span (tracing on): the trace is found by the job's id.
    trace.getActiveSpan()?.setAttributes({ 'job.id': jobId, 'job.runtime': spec.runtime });
    this.logger.info('job queued', {
      jobId,
      runtime: spec.runtime,
      files: files.code.length + files.input.length,
    });
    return toJobView(job, 'waiting');
  }

  /**
   * The job, or JobNotFoundError (also for a job of another key's); an id of another form is
   * refused without asking Redis.
   */
  private async job(jobId: string, owner: string | undefined): Promise<Job<JobData>> {
    if (!isJobId(jobId)) throw new JobNotFoundError(jobId);
    const job = await this.queue.getJob(jobId);
    if (!job || !visibleTo(job.data, owner)) throw new JobNotFoundError(jobId);
    return job;
  }

  /**
   * The job's view. Its state is read before its record: read after, the state could be one
   * the record does not show yet (`failed` without the reason), and the view would say so.
   */
  async view(jobId: string, owner?: string): Promise<JobView> {
    if (!isJobId(jobId)) throw new JobNotFoundError(jobId);
    const state = await this.queue.getJobState(jobId);
    return this.withCallback(toJobView(await this.job(jobId, owner), state));
  }

  /** The view with its callback's state as its delivery job has it (when it has a callback). */
  private async withCallback<V extends JobView>(view: V): Promise<V> {
    const url = view.spec.callback_url;
    if (!url) return view;
    // State first, then the record, as for the job itself.
    const state = await this.callbacks.getJobState(view.id);
    const delivery = await this.callbacks.getJob(view.id);
    return { ...view, callback: callbackView(url, delivery, state) };
  }

  /** Jobs newest first, a page at a time; queued ones with their place in the queue. */
  async list(query: ListQuery, owner?: string): Promise<JobPage> {
    const visible = (_: JobView, data: JobData) => visibleTo(data, owner);
    const page = await listJobs(this.queue, this.connection, { ...query, visible });
    return { ...page, jobs: await Promise.all(page.jobs.map((j) => this.withCallback(j))) };
  }

  /**
   * Where a queued job stands: 1 for the next to start, null when it is not waiting in line
   * (running, ended, or waiting out a retry delay).
   */
  async queuePosition(jobId: string): Promise<number | null> {
    const inLine = await this.queue.getRanges(['wait'], 0, -1, true);
    const i = inLine.indexOf(jobId);
    return i < 0 ? null : i + 1;
  }

  /** Lines of output so far (counted as they were written, never by reading the log). */
  async lineCount(jobId: string): Promise<number> {
    return this.logs.lineCount(jobId);
  }

  /** The whole output so far. */
  async readLog(jobId: string, owner?: string): Promise<string> {
    await this.job(jobId, owner);
    return this.logs.text(jobId);
  }

  /** Log entries after `afterId` (`0`: all), or from `fromId` on when `inclusive`. */
  async readLogEntries(jobId: string, id: string, inclusive = false): Promise<LogRead> {
    return inclusive ? this.logs.readAt(jobId, id) : this.logs.readFrom(jobId, id);
  }

  /**
   * Hands `listener` each new piece of the job's log after `afterId`, as it is written, until
   * the returned function is called. One Redis connection serves every follower of the process.
   */
  followLog(jobId: string, afterId: string, listener: (read: LogRead) => void): () => void {
    if (!this.follower) throw new Error('JobService.init() was not called');
    return this.follower.follow(jobId, afterId, listener);
  }

  /** A regular file of the job's artifacts, found; ArtifactNotFoundError otherwise. */
  async openArtifact(jobId: string, name: string, owner?: string): Promise<OpenArtifact> {
    await this.job(jobId, owner);
    const opened = await this.store.openArtifact(jobId, name);
    if (!opened) throw new ArtifactNotFoundError(name);
    return opened;
  }

  /**
   * Waits for the job's end through BullMQ's events (no polling) and returns its view; returns
   * the current view when `timeoutMs` passes first. A job that ended before the wait is seen.
   */
  async waitForEnd(
    jobId: string,
    timeoutMs: number,
    owner?: string,
  ): Promise<{ view: JobView; ended: boolean; timedOut: boolean }> {
    const job = await this.job(jobId, owner);
    if (!this.queueEvents) throw new Error('JobService.init() was not called');
    // waitUntilFinished subscribes first and then checks the state, so no end is missed. It
    // rejects for a job that failed too: only its timeout means "not ended yet".
    const timedOut = await job.waitUntilFinished(this.queueEvents, timeoutMs).then(
      () => false,
      (err: Error) => /timed out/i.test(err.message),
    );
    const view = await this.view(jobId, owner);
    return { view, ended: hasEnded(view), timedOut };
  }

  /** Cancels a queued or running job; an ended one is JobAlreadyEndedError. */
  async cancel(jobId: string, owner?: string): Promise<JobView> {
    const job = await this.job(jobId, owner);
    const before = toJobView(job, await job.getState());
    if (hasEnded(before)) throw new JobAlreadyEndedError(jobId, before.status);
    if (before.status === 'queued' || before.status === 'canceled') {
      // It will never run: the first worker to take it drops it at once. For the client it has
      // ended now, so it reads `canceled` with its end time whether or not a worker is free.
      await job.updateData({ ...job.data, canceled: true, canceledAt: Date.now() });
      // Its end is now, and no worker may ever come to tell it: its callback is queued here.
      await enqueueCallback(this.callbacks, job, this.logger);
      // A job waiting out a retry delay is taken (and dropped) now rather than after the delay.
      if ((await job.getState()) === 'delayed') await job.promote().catch(() => undefined);
    }
    // Whichever worker holds the job (if one does by now) kills its sandbox.
    await this.connection.publish(cancelChannel(this.connection, this.config.queueName), jobId);
    this.logger.info('cancel requested', { jobId, was: before.status });
    if (before.status !== 'running') return this.view(jobId, owner);
    // The worker holding it kills the sandbox within a moment; answer with the ended job then.
    return (await this.waitForEnd(jobId, 5000, owner)).view;
  }

  async close(): Promise<void> {
    // Connections handed to BullMQ stay ours to close. Each close is bounded (closeOver): a
    // stop must end even while Redis is away.
    const follower = this.follower;
    if (follower && this.followerConnection)
      await closeOver(this.followerConnection, () => follower.close());
    this.followerConnection?.disconnect();
    const events = this.queueEvents;
    if (events && this.eventsConnection)
      await closeOver(this.eventsConnection, () => events.close());
    this.eventsConnection?.disconnect();
    await closeOver(this.connection, () => this.queue.close());
    await closeOver(this.connection, () => this.callbacks.close());
    await closeOver(this.connection, () => this.connection.quit());
    this.store.close();
  }
}
