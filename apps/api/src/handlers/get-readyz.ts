import type { RequestHandler } from 'express';
import type { Config } from '@job-runner/config';
import type { Operations } from '../ops/operations';
import { checkReadiness } from '../health/readiness';

/** GET /readyz: 200 when every check passes, else 503; the body says which check failed. */
export function getReadyz(config: Config, ops: Operations): RequestHandler {
  return async (_req, res) => {
    const { ready, checks } = await checkReadiness(config, ops.redis, ops.runner, ops.workers);
    const failed = Object.entries(checks)
      .filter(([, c]) => !c.ok)
      .map(([name, c]) => `${name}: ${c.detail ?? 'failed'}`);
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(ready ? 200 : 503)
      .json(
        ready
          ? { status: 'ready', checks }
          : { status: 'not ready', detail: `not ready: ${failed.join('; ')}`, checks },
      );
  };
}
