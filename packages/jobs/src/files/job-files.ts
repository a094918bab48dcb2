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
  /** Working copies of jobs whose files live elsewhere (an object store), one per run. */
  readonly scratchDir: string;

  constructor(readonly dataDir: string) {
    this.jobsDir = path.join(dataDir, 'jobs');
    this.stagingDir = path.join(dataDir, 'staging');
    this.scratchDir = path.join(dataDir, 'scratch');
  }

  async init(): Promise<void> {
    await fs.promises.mkdir(this.jobsDir, { recursive: true });
    await fs.promises.mkdir(this.stagingDir, { recursive: true });
    await fs.promises.mkdir(this.scratchDir, { recursive: true });
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
  stage(): Promise<JobDirs> {
    return this.fresh(this.stagingDir);
  }

  /**
   * A fresh working copy's directories, empty, under the scratch area of `owner` (a worker id:
   * what a worker that dies leaves there is removed by the next one that starts on this disk).
   */
  scratch(owner: string): Promise<JobDirs> {
    return this.fresh(path.join(this.scratchDir, owner));
  }

  private async fresh(under: string): Promise<JobDirs> {
    const root = path.join(under, randomUUID());
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
}
