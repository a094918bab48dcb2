import type { JobPhase, JobStatus, JobView } from '@job-runner/jobs';
import type { SubmitOptions } from './job-input';

/** A change of the job's status or phase, with the view it was seen in. */
export interface StatusUpdate {
  status: JobStatus;
  phase: JobPhase;
  job: JobView;
}

export interface FollowOptions {
  /** Each line of output as it comes (stdout and stderr together), once, in order. */
  onOutput?: (line: string, id: string) => void;
  /**
   * Each change of status or phase (`queued`, `preparing`, `running`, `collecting`,
   * `finished`). The job is polled for it while its output streams: quick phases may be missed.
   */
  onStatus?: (update: StatusUpdate) => void;
  /** How often the job is polled for `onStatus`, in ms (default 500). */
  statusIntervalMs?: number;
  /** Go on after this line instead of from the first one. */
  lastEventId?: string;
  /** Stops following; `run()` also cancels the job then (see `cancelOnAbort`). */
  signal?: AbortSignal;
}

export interface RunOptions extends FollowOptions, Omit<SubmitOptions, 'signal'> {
  /** The job as submitted (its id), before any output. */
  onSubmitted?: (job: JobView) => void;
  /** Whether aborting `signal` cancels the job on the server too (default true). */
  cancelOnAbort?: boolean;
}

/** A job that has ended, with everything it gave. */
export interface RunResult {
  /** The final job view. */
  job: JobView;
  status: JobStatus;
  /** The program's exit status; null when it did not exit by itself (timeout, cancel). */
  exitCode: number | null;
  /** null, or why it failed: `non-zero exit`, `timeout`, `oom`, `canceled`, `platform error: ...`. */
  error: string | null;
  /** The whole output, byte for byte as the server kept it (`GET /jobs/{id}/logs`). */
  logs: string;
  /** Names of the files it left in `/workspace/output` (`sub/name` for subdirectories). */
  artifacts: string[];
  /** Downloads every artifact into `dir` (created if needed); resolves with the paths written. */
  saveArtifacts(dir: string): Promise<string[]>;
}
