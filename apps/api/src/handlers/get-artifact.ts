import path from 'node:path';
import { create as contentDisposition } from 'content-disposition';
import type { RequestHandler } from 'express';
import { callerKey } from '../auth/caller-key';
import type { JobService } from '@job-runner/jobs';

/**
 * Types shown inline; none of them can run script. Everything else is served as an attachment,
 * since artifacts are written by untrusted code and must not become pages of ours.
 */
const INLINE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
};

/** GET /jobs/:id/artifacts/*name: a regular file of the job's output directory, else 404. */
export function getArtifact(
  jobs: JobService,
): RequestHandler<{ id: string; name: string[] | string }> {
  return async (req, res) => {
    const name = Array.isArray(req.params.name) ? req.params.name.join('/') : req.params.name;
    const { handle, size } = await jobs.openArtifact(req.params.id, name, callerKey(res));
    // From here the handle is closed on every path: streamed to its end, the client gone, or an
    // error (autoClose of the read stream, which owns it).
    const stream = handle.createReadStream({ autoClose: true });
    try {
      const type = INLINE_TYPES[path.extname(name).toLowerCase()];
      res.setHeader('Content-Type', type ?? 'application/octet-stream');
      res.setHeader('Content-Length', String(size));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      // Any name (CJK, emoji, control characters): an ASCII fallback plus filename*=UTF-8''.
      res.setHeader(
        'Content-Disposition',
        contentDisposition(path.basename(name), { type: type ? 'inline' : 'attachment' }),
      );
    } catch (err) {
      stream.destroy();
      throw err;
    }
    stream.on('error', () => res.destroy());
    // A client that leaves mid-download must not leave the file handle to the garbage collector.
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };
}
