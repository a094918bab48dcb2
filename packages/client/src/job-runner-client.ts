import type { JobStatus, JobView } from '@job-runner/jobs';
import { HttpTransport } from './http-transport';
import type { JobInput, SubmitOptions } from './job-input';
import type { JobList, ListOptions, ListedJob } from './job-list';
import { jobEnded } from './job-ended';
import type { FollowOptions, RunOptions, RunResult } from './run-result';
import { abortReason, sleep } from './sleep';
import type { StreamEvent, StreamOptions } from './stream-event';
import { streamLog } from './stream-log';
import { submissionBody } from './submission/submission-body';
import { watchStatus } from './watch-status';

export interface JobRunnerClientOptions {
  /** The server's base URL, e.g. `http://localhost:8000` (a path prefix is kept). */
  url: string;
  /** Sent as `Authorization: Bearer <key>` (servers with API_KEYS). */
  apiKey?: string;
  /** A fetch of your own (a proxy, a test's wrapper); the global one by default. */
  fetch?: typeof fetch;
}

/** What `POST /jobs` answered. */
export interface SubmittedJob {
  id: string;
  status: JobStatus;
  job: JobView;
  /** Set when no worker has been alive for a while: the job waits in the queue meanwhile. */
  warning?: string;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** The longest pause between two polls, in ms (default 1000; the first ones are shorter). */
  maxIntervalMs?: number;
}

interface JobBody {
  job_id: string;
  status: JobStatus;
  job: JobView;
  warning?: string;
}

/**
 * A client of job-runner's HTTP API (docs/api.md) on fetch alone: `run()` does a whole job in
 * one call; the other methods are its parts. Failures are JobRunnerHttpError (the server
 * answered with an error) or JobRunnerConnectionError (it did not answer).
 */
export class JobRunnerClient {
  readonly url: string;
  private readonly http: HttpTransport;

  constructor(options: JobRunnerClientOptions) {
    const url = new URL(options.url); // a bad URL fails here, not at the first request
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`not an http(s) URL: ${options.url}`);
    this.url = options.url.replace(/\/+$/, '');
    this.http = new HttpTransport(this.url, options.apiKey, options.fetch);
  }

  /**
   * Submits `input`, follows its output to the end and returns the job's final state, its
   * whole output and its artifacts' names. Aborting `options.signal` cancels the job (unless
   * `cancelOnAbort: false`) and rejects with the abort reason; the submission itself is
   * always let finish, so that a job created is a job that can be canceled.
   */
  async run(input: JobInput | string, options: RunOptions = {}): Promise<RunResult> {
    const { signal } = options;
    // Not aborted with the signal: a job the server created must be known, to be canceled.
    const submitted = await this.submit(input, { bodyForm: options.bodyForm });
    try {
      if (signal?.aborted) throw abortReason(signal);
      options.onSubmitted?.(submitted.job);
      const { job } = submitted;
      options.onStatus?.({ status: job.status, phase: job.phase, job });
      return await this.followFrom(submitted.id, options, job);
    } catch (err) {
      if (signal?.aborted && options.cancelOnAbort !== false)
        await this.cancel(submitted.id).catch(() => undefined); // it may have ended meanwhile
      throw err;
    }
  }

  /** Like `run()`, for a job submitted before: follows it to its end. */
  follow(jobId: string, options: FollowOptions = {}): Promise<RunResult> {
    return this.followFrom(jobId, options, null);
  }

  /** Queues a job (`POST /jobs`) and answers at once. */
  async submit(input: JobInput | string, options: SubmitOptions = {}): Promise<SubmittedJob> {
    const { body, headers } = submissionBody(
      typeof input === 'string' ? { code: input } : input,
      options.bodyForm,
    );
    const b = await this.http.json<JobBody>('/jobs', {
      method: 'POST',
      body,
      headers,
      signal: options.signal,
    });
    return {
      id: b.job_id,
      status: b.status,
      job: b.job,
      ...(b.warning ? { warning: b.warning } : {}),
    };
  }

  /** The job's current view (`GET /jobs/{id}`). */
  async get(jobId: string, signal?: AbortSignal): Promise<JobView> {
    return (await this.http.json<JobBody>(this.jobPath(jobId), { signal })).job;
  }

  /** Polls the job until it has ended and returns its final view. */
  async wait(jobId: string, options: WaitOptions = {}): Promise<JobView> {
    const most = options.maxIntervalMs ?? 1000;
    for (let pause = 50; ; pause = Math.min(pause * 2, most)) {
      const view = await this.get(jobId, options.signal);
      if (jobEnded(view)) return view;
      await sleep(pause, options.signal);
    }
  }

  /** Jobs, newest first, a page at a time (`GET /jobs`). */
  async list(options: ListOptions = {}): Promise<JobList> {
    const query = new URLSearchParams();
    if (options.status) query.set('status', options.status);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.cursor) query.set('cursor', options.cursor);
    const qs = query.toString();
    const b = await this.http.json<{ jobs: ListedJob[]; next_cursor: string | null }>(
      `/jobs${qs ? `?${qs}` : ''}`,
      { signal: options.signal },
    );
    return { jobs: b.jobs, nextCursor: b.next_cursor ?? null };
  }

  /**
   * The job's output, line by line, live, then one `end` event; resumed after a dropped
   * connection without losing or repeating a line (see `StreamOptions`).
   */
  stream(jobId: string, options: StreamOptions = {}): AsyncGenerator<StreamEvent, void, undefined> {
    return streamLog(this.http, jobId, options);
  }

  /** Cancels a queued or running job; a job that has ended is a 409 `JOB_ALREADY_ENDED`. */
  async cancel(jobId: string): Promise<JobView> {
    return (await this.http.json<JobBody>(`${this.jobPath(jobId)}/cancel`, { method: 'POST' })).job;
  }

  /** The whole output so far, byte for byte (`GET /jobs/{id}/logs`). */
  async logs(jobId: string, signal?: AbortSignal): Promise<string> {
    return (await this.http.request(`${this.jobPath(jobId)}/logs`, { signal })).text();
  }

  /** An artifact's bytes. */
  async artifact(jobId: string, name: string, signal?: AbortSignal): Promise<Uint8Array> {
    return new Uint8Array(await (await this.artifactResponse(jobId, name, signal)).arrayBuffer());
  }

  /** An artifact as the server's answer, to stream its body (large files). */
  artifactResponse(jobId: string, name: string, signal?: AbortSignal): Promise<Response> {
    const encoded = name.split('/').map(encodeURIComponent).join('/');
    return this.http.request(`${this.jobPath(jobId)}/artifacts/${encoded}`, { signal });
  }

  /**
   * Downloads the job's artifacts (all of them, or `names`) into `dir`, subdirectories
   * included; resolves with the paths written. Node.js only (it writes files).
   */
  async downloadArtifacts(jobId: string, dir: string, names?: string[]): Promise<string[]> {
    const which = names ?? (await this.get(jobId)).artifacts;
    // Loaded on use: the rest of the client needs nothing but fetch, in any runtime.
    const { saveArtifacts } = await import('./artifacts/save-artifacts');
    return saveArtifacts(which, dir, (name) => this.artifactResponse(jobId, name));
  }

  /**
   * Output lines to `onOutput` as they come (resumed across dropped connections), status
   * changes to `onStatus`, then the final view and the whole log.
   */
  private async followFrom(
    jobId: string,
    options: FollowOptions,
    known: JobView | null,
  ): Promise<RunResult> {
    const { signal, onOutput, onStatus } = options;
    const watch = onStatus
      ? watchStatus((s) => this.get(jobId, s), onStatus, options.statusIntervalMs ?? 500, known)
      : null;
    let job: JobView;
    try {
      for await (const ev of this.stream(jobId, { signal, lastEventId: options.lastEventId }))
        if (ev.type === 'line') onOutput?.(ev.line, ev.id);
      // The log ends a moment before the job's record does: the final view is worth the wait.
      job = await this.wait(jobId, { signal });
    } finally {
      await watch?.stop();
    }
    watch?.report(job);
    const logs = await this.logs(jobId, signal);
    return {
      job,
      status: job.status,
      exitCode: job.exit_code,
      error: job.error,
      logs,
      artifacts: job.artifacts,
      saveArtifacts: (dir) => this.downloadArtifacts(job.id, dir, job.artifacts),
    };
  }

  private jobPath(jobId: string): string {
    return `/jobs/${encodeURIComponent(jobId)}`;
  }
}
