import type { ArtifactInfo } from '@job-runner/sandbox';
import type { JobSpec } from '../spec/job-spec';

export interface FileInfo {
  name: string;
  size: number;
}

/** The BullMQ job's data: the spec and what files it came with (the bytes stay on disk). */
export interface JobData {
  spec: JobSpec;
  files: { code: FileInfo[]; input: FileInfo[] };
  /** Set by a cancel that found the job still queued; a worker that picks it up drops it. */
  canceled?: boolean;
  /** When that cancel happened (ms): the job has ended for the client, though no worker ran it. */
  canceledAt?: number;
  /**
   * True when spec.env holds only names (values redacted) and the values sit in the job's
   * directory on disk (see writeJobEnv), so they never reach Redis or the admin board.
   */
  envOnDisk?: boolean;
  /**
   * The id of the API key that submitted it (keyId: a hash, never the key), when the server has
   * API_KEYS: only that key sees the job. Absent: submitted without keys, seen by anyone.
   */
  owner?: string;
}

/** Whether a caller (the id of its API key; undefined without keys) may see a job at all. */
export const visibleTo = (data: Pick<JobData, 'owner'>, owner: string | undefined): boolean =>
  !data.owner || data.owner === owner;

export type JobPhase = 'queued' | 'preparing' | 'running' | 'collecting' | 'finished';

/** How a run went; the job's return value when it succeeded, kept in its progress otherwise. */
export interface RunSummary {
  exit_code: number | null;
  error: string | null;
  duration_ms: number;
  cpu_time_ms: number | null;
  peak_memory_bytes: number | null;
  /** Whether its sandbox came ready from a pool (warm) or was made for it (cold). */
  sandbox?: 'warm' | 'cold' | null;
  artifacts: ArtifactInfo[];
  output_dropped_bytes: number;
}

/** The job's progress object: its phase, and the run's summary once there is one. */
export interface JobProgress {
  phase: JobPhase;
  result?: RunSummary;
}
