import type { Request, RequestHandler } from 'express';
import type { PlatformMetrics } from './platform-metrics';

/**
 * Counts each request when its response ends, labelled by the route pattern (`/jobs/:id`), not
 * the path, so label values stay few whatever ids clients send.
 */
export function httpMetrics(metrics: PlatformMetrics, adminBasePath: string): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once('close', () => {
      const route = routeOf(req, adminBasePath);
      end({ method: req.method, route });
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

function routeOf(req: Request, adminBasePath: string): string {
  const url = req.originalUrl.split('?')[0] ?? '';
  if (url === adminBasePath || url.startsWith(`${adminBasePath}/`)) return `${adminBasePath}/*`;
  // Static files: one label each for the documents and the playground's assets, whatever file.
  if (url.startsWith('/docs/')) return '/docs/*';
  if (url.startsWith('/playground/')) return '/playground/*';
  const route = req.route as { path?: unknown } | undefined;
  if (route && typeof route.path === 'string') return req.baseUrl + route.path;
  return 'unmatched';
}
