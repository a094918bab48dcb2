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
 * this function made itself, so no path written can be a link planted by the sandbox. The caps
 * are checked again here (the archive is the sandbox's word). An archive that breaks off keeps
 * the files that arrived whole; the one cut short is removed, never served half-written.
 */
export async function extractArtifacts(
  archive: NodeJS.ReadableStream,
  outputDir: string,
  limits: ExtractLimits,
  notice: (message: string) => void,
): Promise<ArtifactInfo[]> {
  const artifacts: ArtifactInfo[] = [];
  let total = 0;
  let current: Promise<void> = Promise.resolve();
  /** The entry being written, to cut off when the archive breaks off under it. */
  const cut: { open: { destroy(err?: Error): void } | null } = { open: null };
  const extract = tar.extract();
  // Reported once, through the pipeline below.
  extract.on('error', () => undefined);
  extract.on('entry', (header, stream, next) => {
    const skip = (why?: string) => {
      if (why) notice(why);
      stream.on('end', () => next());
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
    // The writer is attached in this same tick: an entry stream left without one for a moment
    // could error (the archive breaking off) with nobody listening.
    let writing: Promise<void>;
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writing = pipeline(stream, fs.createWriteStream(target, { flags: 'wx', mode: 0o644 }));
    } catch (err) {
      writing = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    cut.open = stream;
    current = writing
      .then(() => {
        cut.open = null;
        total += size;
        artifacts.push({ name, size });
        next();
      })
      .catch(async (err: NodeJS.ErrnoException) => {
        cut.open = null;
        // A repeated entry (EEXIST) keeps the first; anything else cut this file short.
        if (err.code !== 'EEXIST') await fs.promises.rm(target, { force: true }).catch(() => null);
        notice(`artifact skipped: ${name} (${err.code ?? err.message})`);
        stream.resume();
        next();
      });
  });
  try {
    await pipeline(archive, extract);
  } catch (err) {
    notice(`artifacts incomplete: ${(err as Error).message}`);
    cut.open?.destroy(new Error('the archive broke off'));
  }
  await current;
  return artifacts.sort((a, b) => a.name.localeCompare(b.name));
}
