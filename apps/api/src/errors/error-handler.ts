import type { ErrorRequestHandler } from 'express';
import { AppError } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { HeaderedError } from './http-errors';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/**
 * The one place errors become HTTP: AppErrors carry their status and message; body-parser's
 * errors keep theirs; anything else is a 500 whose details stay in the log.
 * Bodies are `{ "detail": "..." }`, as the legacy service's were.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let body: Record<string, unknown> = { detail: 'internal error' };
    if (err instanceof AppError) {
      status = err.status;
      body = { detail: err.message, ...err.details };
      if (err instanceof HeaderedError && !res.headersSent) res.set(err.headers);
    } else {
      const e = err as HttpishError;
      if (e.type === 'entity.too.large') {
        status = 413;
        body = { detail: 'request body is larger than MAX_BODY_BYTES allows' };
      } else if (e.type === 'entity.parse.failed') {
        status = 400;
        body = { detail: `body is not valid JSON: ${e.message ?? ''}`.trim() };
      } else if (e.expose && (e.status ?? e.statusCode)) {
        status = (e.status ?? e.statusCode)!;
        body = { detail: e.message };
      }
    }
    // A deliberate 503 (queue full, Redis away) is an answer, not a fault of ours.
    if (status >= 500 && !(err instanceof HeaderedError))
      logger.error('request failed', {
        method: req.method,
        path: req.path,
        error: (err as Error)?.stack ?? String(err),
      });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}
