import path from 'node:path';
import type { RequestHandler } from 'express';
import { notFound, type JobService } from '@job-runner/jobs';

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
    await jobs.getJob(req.params.id);
    const name = Array.isArray(req.params.name) ? req.params.name.join('/') : req.params.name;
    const opened = await jobs.files.openArtifact(req.params.id, name);
    if (!opened) throw notFound(`artifact ${name} not found`);
    const type = INLINE_TYPES[path.extname(name).toLowerCase()];
    res.setHeader('Content-Type', type ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(opened.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    const base = path.basename(name).replace(/["\\\r\n]/g, '_');
    res.setHeader('Content-Disposition', `${type ? 'inline' : 'attachment'}; filename="${base}"`);
    const stream = opened.handle.createReadStream();
    stream.on('error', () => res.destroy());
    // A client that leaves mid-download must not leave the file handle to the garbage collector.
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };
}
