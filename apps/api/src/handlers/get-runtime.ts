import type { RequestHandler } from 'express';
import { HttpError, serviceUnavailable } from '../errors/http-error';
import type { RuntimeCatalog } from '../runtimes/runtime-catalog';

/** A failed probe is run again this long after it failed (RuntimeProbe's retry). */
const RETRY_AFTER_SEC = 30;

/**
 * GET /runtimes/:name: one runtime as GET /runtimes lists it. A name no runtime has is a 404;
 * a runtime that is not available is a 503 whose code says why (image missing, engine away,
 * probe failed), with the runtime's description (its image and limits) under `runtime`.
 */
export function getRuntime(runtimes: RuntimeCatalog): RequestHandler<{ name: string }> {
  return async (req, res) => {
    const name = req.params.name;
    const view = await runtimes.get(name);
    if (!view)
      throw new HttpError(
        404,
        'RUNTIME_NOT_FOUND',
        `no runtime named ${name.slice(0, 100)}; runtimes: ${runtimes.names().join(', ')}`,
      );
    if (!view.available && view.error)
      throw serviceUnavailable(view.error.code, view.error.detail, RETRY_AFTER_SEC, {
        runtime: view,
      });
    res.json(view);
  };
}
