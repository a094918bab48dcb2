import type { RequestHandler } from 'express';
import type { PlatformMetrics } from '../metrics/platform-metrics';

/** GET /metrics: Prometheus text format. */
export function getMetrics(metrics: PlatformMetrics): RequestHandler {
  return async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(body);
  };
}
