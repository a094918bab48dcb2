import path from 'node:path';
import { create as contentDisposition } from 'content-disposition';
import type { RequestHandler } from 'express';
import parseRange from 'range-parser';
import { callerKey } from '../auth/caller-key';
import { rangeNotSatisfiable } from '../errors/http-error';
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

/**
 * GET /jobs/:id/artifacts/*name: a regular file of the job's artifacts, else 404. One byte range
 * (`Range: bytes=...`) is answered with 206 (a resumed download, a seek in a video); a range past
 * the end is a 416; several ranges at once get the whole file, as HTTP allows.
 */
export function getArtifact(
  jobs: JobService,
): RequestHandler<{ id: string; name: string[] | string }> {
  return async (req, res) => {
    const name = Array.isArray(req.params.name) ? req.params.name.join('/') : req.params.name;
    const artifact = await jobs.openArtifact(req.params.id, name, callerKey(res));
    const { size } = artifact;
    const ranges = req.headers.range ? parseRange(size, req.headers.range, { combine: true }) : -2;
    if (ranges === -1) {
      await artifact.close();
      throw rangeNotSatisfiable(req.headers.range!, size);
    }
    // -2 (no or malformed Range), a unit other than bytes, or several ranges: the whole file.
    const range =
      Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1
        ? ranges[0]
        : undefined;
    // From here the artifact is released on every path: streamed to its end, the client gone,
    // or an error (the stream owns it).
    const stream = artifact.read(range);
    try {
      const type = INLINE_TYPES[path.extname(name).toLowerCase()];
      res.setHeader('Content-Type', type ?? 'application/octet-stream');
      res.setHeader('Accept-Ranges', 'bytes');
      if (range) {
        res.status(206);
        res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
        res.setHeader('Content-Length', String(range.end - range.start + 1));
      } else res.setHeader('Content-Length', String(size));
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
    // A client that leaves mid-download must not leave the file to the garbage collector.
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };
}
