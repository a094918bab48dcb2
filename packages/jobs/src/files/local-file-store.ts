import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  isSafeRelativeName,
  type ByteRange,
  type FileStore,
  type StoredArtifact,
} from './file-store';
import { JobFiles, type JobDirs } from './job-files';

/**
 * Job files in JOB_DATA_DIR (`jobs/<id>/{code,input,output}`), a directory the API and every
 * worker share (one host, or a shared volume). Commit is a rename, the working copy is the
 * job's own directory, and check-in has nothing to move.
 */
export class LocalFileStore implements FileStore {
  readonly kind = 'local';

  constructor(readonly files: JobFiles) {}

  init(): Promise<void> {
    return this.files.init();
  }

  async commit(staged: JobDirs, jobId: string): Promise<void> {
    try {
      await this.files.commit(staged, jobId);
    } catch (err) {
      await this.files.discard(staged);
      throw err;
    }
  }

  async checkout(jobId: string): Promise<JobDirs> {
    // A rerun must not see an earlier run's artifacts.
    await this.files.resetOutput(jobId);
    return this.files.dirs(jobId);
  }

  async checkin(): Promise<void> {
    // The run wrote its artifacts where they are kept.
  }

  async release(): Promise<void> {
    // The working copy is the job's own directory: it stays until the job is removed.
  }

  /**
   * Every component is checked with lstat and the file is opened with O_NOFOLLOW, so no link
   * (whoever made it) is ever followed.
   */
  async openArtifact(jobId: string, name: string): Promise<StoredArtifact | null> {
    if (!isSafeRelativeName(name)) return null;
    const parts = name.split('/');
    let current = this.files.dirs(jobId).output;
    for (const [i, part] of parts.entries()) {
      current = path.join(current, part);
      const st = await fs.promises.lstat(current).catch(() => null);
      const last = i === parts.length - 1;
      if (!st || (last ? !st.isFile() : !st.isDirectory())) return null;
    }
    const handle = await fs.promises
      .open(current, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
      .catch(() => null);
    if (!handle) return null;
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      return null;
    }
    return {
      size: st.size,
      // autoClose: the stream owns the handle from here, ended, failed or destroyed.
      read: (range?: ByteRange): Readable =>
        handle.createReadStream({ autoClose: true, start: range?.start, end: range?.end }),
      close: () => handle.close(),
    };
  }

  remove(jobId: string): Promise<void> {
    return this.files.remove(jobId);
  }

  jobIds(): Promise<string[]> {
    return fs.promises.readdir(this.files.jobsDir).catch(() => [] as string[]);
  }

  close(): void {
    // Nothing held open.
  }
}
