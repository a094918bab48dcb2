import type { Readable } from 'node:stream';
import type { JobDirs } from './job-files';

/** A byte range of an artifact, both ends included (as HTTP's Range header counts them). */
export interface ByteRange {
  start: number;
  end: number;
}

/** An artifact found in the store: its size, read once (whole or a range), or closed unread. */
export interface StoredArtifact {
  size: number;
  /** The bytes; the stream owns whatever the artifact held open and releases it when it ends. */
  read(range?: ByteRange): Readable;
  /** Releases the artifact without reading it. */
  close(): Promise<void>;
}

/**
 * Where a job's files live between the API and the worker that runs it: code and inputs the API
 * received, the sealed or owner-only environment file, and the artifacts the run left. The API
 * stages uploads on its own disk and commits them; a worker checks out a working copy, runs
 * it, and checks the artifacts in; the API serves artifacts from here; the janitor removes a
 * job's files with the job.
 */
export interface FileStore {
  readonly kind: 'local' | 's3';
  /** Checks the store can be used (a bucket that does not exist is refused at start). */
  init(): Promise<void>;
  /** The staged files become the job's; the staging area is gone afterwards, in every case. */
  commit(staged: JobDirs, jobId: string): Promise<void>;
  /** A working copy of the job's code, input and environment file, with an empty output. */
  checkout(jobId: string): Promise<JobDirs>;
  /** Keeps the named artifacts of the working copy's output as the job's, then lets it go. */
  checkin(jobId: string, copy: JobDirs, artifacts: string[]): Promise<void>;
  /** Lets a working copy go, keeping nothing of it (the run failed, or never started). */
  release(copy: JobDirs): Promise<void>;
  /** A stored artifact by its `/`-separated name, or null when the job has no such file. */
  openArtifact(jobId: string, name: string): Promise<StoredArtifact | null>;
  /** Removes every file of the job; a job with none is fine. */
  remove(jobId: string): Promise<void>;
  /** Ids of the jobs that have files here (the janitor compares them with the queue). */
  jobIds(): Promise<string[]>;
  /** Lets go of connections (the process is stopping). */
  close(): void;
}

/**
 * True for a `/`-separated relative name with nothing that could leave its directory: no empty,
 * `.` or `..` component, no NUL, no backslash.
 */
export function isSafeRelativeName(name: string): boolean {
  const parts = name.split('/');
  return !parts.some(
    (p) => p === '' || p === '.' || p === '..' || p.includes('\0') || p.includes('\\'),
  );
}
