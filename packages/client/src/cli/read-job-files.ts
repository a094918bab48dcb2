import fs from 'node:fs/promises';
import path from 'node:path';
import type { FileContent, FileMap } from '../job-input';
import { UsageError } from './usage-error';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Files named on the command line, by base name (the server keeps only that). Text goes as
 * text, anything else as bytes: the JSON body stays small and every byte arrives as it was.
 */
export async function readJobFiles(paths: string[], what: string): Promise<FileMap> {
  const files: FileMap = {};
  for (const p of paths) {
    const name = path.basename(p);
    if (name in files) throw new UsageError(`two ${what} files are both named '${name}'`, 'run');
    files[name] = await readOne(p);
  }
  return files;
}

async function readOne(p: string): Promise<FileContent> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code;
    throw new UsageError(`cannot read ${p}: ${why ?? (err as Error).message}`, 'run');
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes;
  }
}
