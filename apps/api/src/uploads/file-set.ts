import fs from 'node:fs';
import path from 'node:path';
import {
  InvalidInputError,
  MalformedInputError,
  safeBaseName,
  type FileInfo,
  type JobDirs,
} from '@job-runner/jobs';
import type { FileGroup, UploadLimits } from './submission';

/**
 * The files of one submission as they are written into staging: checks names (base name only,
 * refused when nothing safe is left), duplicates, count and sizes, whichever body form they
 * came in.
 */
export class FileSet {
  readonly files: Record<FileGroup, FileInfo[]> = { code: [], input: [] };
  private count = 0;

  constructor(
    private readonly staged: JobDirs,
    private readonly limits: UploadLimits,
  ) {}

  /** Total bytes of every file written so far. */
  get totalBytes(): number {
    return [...this.files.code, ...this.files.input].reduce((n, f) => n + f.size, 0);
  }

  /** Reserves a name in a group and returns the path to write it to. */
  claim(group: FileGroup, field: string, rawName: string): string {
    const name = safeBaseName(rawName);
    if (name === null)
      throw new MalformedInputError(
        `${field}: file name ${JSON.stringify(rawName.slice(0, 300))} is not a usable file name`,
        [field],
      );
    if (this.files[group].some((f) => f.name === name))
      throw new InvalidInputError(`${field}: two files are named ${name}`, [field]);
    if (++this.count > this.limits.maxFiles) throw this.tooMany(field);
    this.files[group].push({ name, size: 0 });
    return path.join(this.staged[group], name);
  }

  setSize(group: FileGroup, target: string, size: number): void {
    const info = this.files[group].find((f) => f.name === path.basename(target));
    if (info) info.size = size;
  }

  tooMany(field: string): Error {
    return new InvalidInputError(
      `too many files: at most ${this.limits.maxFiles} code and input files in all (MAX_FILES)`,
      [field],
    );
  }

  /** A file over MAX_FILE_BYTES: 422, as the contract has it (413 is for the whole body). */
  tooLarge(field: string, name: string): Error {
    return new InvalidInputError(
      `${field}: ${name} is larger than ${this.limits.maxFileBytes} bytes (MAX_FILE_BYTES)`,
      [field],
    );
  }

  /** Writes a whole buffer (JSON bodies). */
  async writeBuffer(group: FileGroup, field: string, rawName: string, data: Buffer): Promise<void> {
    const target = this.claim(group, field, rawName);
    if (data.length > this.limits.maxFileBytes) throw this.tooLarge(field, path.basename(target));
    await fs.promises.writeFile(target, data, { flag: 'wx' });
    this.setSize(group, target, data.length);
  }
}
