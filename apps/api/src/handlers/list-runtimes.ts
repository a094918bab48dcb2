import type { RequestHandler } from 'express';
import type { RuntimeCatalog } from '../runtimes/runtime-catalog';

/**
 * GET /runtimes: every configured runtime, the default first, with what its image holds (probed
 * from the image on first ask, cached per image id) and the limits a job gets. Always 200: a
 * runtime whose image is missing or whose probe failed is listed `available: false` with its
 * `error`, so one broken runtime does not hide the others.
 */
export function listRuntimes(runtimes: RuntimeCatalog): RequestHandler {
  return async (_req, res) => {
    res.json({ runtimes: await runtimes.list() });
  };
}
