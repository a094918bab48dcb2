import type { ErrorRequestHandler } from 'express';
import { ErrorCode, JobRunnerError } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { draining } from '../uploads/parse-multipart';
import { HttpError } from './http-error';

/** The status of each domain error code: the one place the domain meets HTTP. */
const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.JobNotFound]: 404,
  [ErrorCode.ArtifactNotFound]: 404,
  [ErrorCode.JobAlreadyEnded]: 409,
  [ErrorCode.InvalidInput]: 422,
  [ErrorCode.MalformedInput]: 400,
  [ErrorCode.InputTooLarge]: 413,
  [ErrorCode.PlatformFailure]: 500,
  // Callback attempts fail in workers, never in a request; should one escape, it is a 502.
  [ErrorCode.CallbackFailed]: 502,
};

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/**
 * The one place errors become HTTP answers, all of one shape:
 * `{"detail": "<what was wrong, naming the field>", "code": "...", "fields": [...]}` (plus the
 * error's own details). `detail` is the legacy service's field. Anything unexpected is a 500
 * whose details stay in the log.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let body: Record<string, unknown> = { detail: 'internal error', code: 'INTERNAL', fields: [] };
    if (err instanceof JobRunnerError) {
      status = STATUS[err.code];
      body = { detail: err.message, code: err.code, fields: err.fields, ...err.details };
    } else if (err instanceof HttpError) {
      status = err.status;
      body = { detail: err.message, code: err.code, fields: err.fields, ...err.details };
      if (!res.headersSent) res.set(err.headers);
    } else {
      const e = err as BodyParserError;
      if (e.type === 'entity.too.large') {
        status = 413;
        body = {
          detail:
            'the JSON body is larger than MAX_JSON_BODY_BYTES allows; send large files as multipart/form-data',
          code: ErrorCode.InputTooLarge,
          fields: ['body'],
        };
      } else if (e.type === 'entity.parse.failed') {
        status = 400;
        body = {
          detail: `body is not valid JSON: ${e.message ?? ''}`.trim(),
          code: ErrorCode.MalformedInput,
          fields: ['body'],
        };
      } else if (e.type === 'request.aborted') {
        // The client left mid-body: nobody is there to read an answer.
        res.destroy();
        return;
      } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
        status = e.status;
        body = { detail: e.message ?? 'bad request', code: 'BAD_REQUEST', fields: [] };
      }
    }
    // A deliberate 503 (queue full, Redis away) is an answer, not a fault of ours.
    if (status >= 500 && !(err instanceof HttpError))
      logger.error('request failed', {
        method: req.method,
        path: req.path,
        error: (err as Error)?.stack ?? String(err),
      });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A body refused before it was read is not read at all: the connection stops reading,
    // answers and closes (a second later, so the answer is not lost to a reset). Multipart
    // bodies drain themselves, within their cap.
    if (!req.complete && !draining.has(req)) {
      res.setHeader('Connection', 'close');
      req.socket.pause();
      res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref());
    }
    res.status(status).json(body);
  };
}
