import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface JobDirs {
  root: string;
  code: string;
  input: string;
  output: string;
}

/**
 * Job files on disk, under JOB_DATA_DIR: `jobs/<id>/{code,input,output}`. Uploads are written to
 * a staging directory first and renamed into place only once the request is whole, so a bad
 * request never leaves files behind under a job id.
 */
export class JobFiles {
  readonly jobsDir: string;
  readonly stagingDir: string;

  constructor(readonly dataDir: string) {
    this.jobsDir = path.join(dataDir, 'jobs');
    this.stagingDir = path.join(dataDir, 'staging');
  }

  async init(): Promise<void> {
    await fs.promises.mkdir(this.jobsDir, { recursive: true });
    await fs.promises.mkdir(this.stagingDir, { recursive: true });
  }

  dirs(jobId: string): JobDirs {
    const root = path.join(this.jobsDir, jobId);
    return {
      root,
      code: path.join(root, 'code'),
      input: path.join(root, 'input'),
      output: path.join(root, 'output'),
    };
  }

  /** A fresh staging area with empty code/input/output directories. */
  async stage(): Promise<JobDirs> {
    const root = path.join(this.stagingDir, randomUUID());
    const dirs = {
      root,
      code: path.join(root, 'code'),
      input: path.join(root, 'input'),
      output: path.join(root, 'output'),
    };
    await fs.promises.mkdir(dirs.code, { recursive: true });
    await fs.promises.mkdir(dirs.input);
    await fs.promises.mkdir(dirs.output);
    return dirs;
  }

  /** Moves a staging area under its job id (same filesystem, so atomic). */
  async commit(staged: JobDirs, jobId: string): Promise<JobDirs> {
    const dirs = this.dirs(jobId);
    await fs.promises.rename(staged.root, dirs.root);
    return dirs;
  }

  async discard(dirs: JobDirs): Promise<void> {
    await fs.promises.rm(dirs.root, { recursive: true, force: true });
  }

  async remove(jobId: string): Promise<void> {
    await fs.promises.rm(this.dirs(jobId).root, { recursive: true, force: true });
  }

  /** Empties the output directory (a retried attempt starts clean). */
  async resetOutput(jobId: string): Promise<string> {
    const { output } = this.dirs(jobId);
    await fs.promises.rm(output, { recursive: true, force: true });
    await fs.promises.mkdir(output, { recursive: true });
    return output;
  }

  /**
   * Opens an artifact for reading, or returns null when the name is not a regular file inside
   * the output directory. Every component is checked with lstat and the file is opened with
   * O_NOFOLLOW, so no link (whoever made it) is ever followed.
   */
  async openArtifact(
    jobId: string,
    name: string,
  ): Promise<{ handle: fs.promises.FileHandle; size: number } | null> {
    const parts = name.split('/');
    if (
      parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0') || p.includes('\\'))
    )
      return null;
    let current = this.dirs(jobId).output;
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
    return { handle, size: st.size };
  }
}
