import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { ArtifactInfo } from '../run-result';
import { safeArtifactName } from './artifact-name';

export interface ExtractLimits {
  maxFiles: number;
  maxBytes: number;
}

/**
 * Reads the sandbox's output archive into `outputDir` (which must exist and be empty).
 * Only regular files are kept: links, devices, FIFOs are skipped with a notice, so nothing the
 * sandbox made can point the host anywhere. Files are created exclusively (`wx`), in directories
 * this function made itself, so no path written can be a link planted by the sandbox.
 */
export async function extractArtifacts(
  archive: NodeJS.ReadableStream,
  outputDir: string,
  limits: ExtractLimits,
  notice: (message: string) => void,
): Promise<ArtifactInfo[]> {
  const artifacts: ArtifactInfo[] = [];
  let total = 0;
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const done = (err?: unknown) => (err ? next(err as Error) : next());
    const skip = (why?: string) => {
      if (why) notice(why);
      stream.on('end', () => done());
      stream.resume();
    };
    if (header.type === 'directory') return skip();
    const name = safeArtifactName(header.name);
    if (name === null)
      return skip(`artifact skipped: unsafe name ${JSON.stringify(header.name.slice(0, 100))}`);
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      return skip(
        `artifact skipped: ${name} is a ${header.type ?? 'special file'}, only regular files are kept`,
      );
    }
    const size = header.size ?? 0;
    if (artifacts.length >= limits.maxFiles)
      return skip(`artifact skipped: ${name} (more than ${limits.maxFiles} files)`);
    if (total + size > limits.maxBytes)
      return skip(`artifact skipped: ${name} (artifacts over ${limits.maxBytes} bytes in all)`);
    const target = path.join(outputDir, ...name.split('/'));
    fs.promises
      .mkdir(path.dirname(target), { recursive: true })
      .then(() => pipeline(stream, fs.createWriteStream(target, { flags: 'wx', mode: 0o644 })))
      .then(() => {
        total += size;
        artifacts.push({ name, size });
        done();
      })
      .catch((err: NodeJS.ErrnoException) => {
        // A file and a directory of the same name, or a repeated entry: keep the first.
        notice(`artifact skipped: ${name} (${err.code ?? err.message})`);
        stream.resume();
        done();
      });
  });
  await pipeline(archive, extract);
  return artifacts.sort((a, b) => a.name.localeCompare(b.name));
}
