import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { jobTracer } from '@job-runner/sandbox';

/**
 * A SERVER span for each request, the root of the trace of the job it submits (or continuing
 * the caller's, when it sent a W3C `traceparent`). Everything the request does runs in its
 * context: body parsing too (the request's and answer's events are bound to it), so BullMQ's
 * `add` span and the job it queues carry this trace. Named after the route once it is known,
 * with the standard HTTP attributes; a 5xx marks it failed.
 */
export function traceRequests(): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = jobTracer().startSpan(
      `${req.method} ${req.baseUrl}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': req.originalUrl.split('?')[0],
          ...(req.headers['user-agent']
            ? { 'user_agent.original': req.headers['user-agent'] }
            : {}),
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = (req.route as { path?: string } | undefined)?.path;
      if (route) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      // A client that went before its answer (an SSE stream closed, a sync wait abandoned).
      if (!res.writableFinished) span.setAttribute('http.client_gone', true);
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.bind(ctx, req);
    context.bind(ctx, res);
    context.with(ctx, next);
  };
}
