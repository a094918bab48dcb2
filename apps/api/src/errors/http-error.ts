/**
 * An answer of the HTTP layer itself (no route, wrong content type, no key, too many requests,
 * the platform too busy): its status, a code, and the headers it needs (WWW-Authenticate,
 * Retry-After). Domain errors come from @job-runner/jobs with codes of their own.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
    readonly fields: string[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const retryAfter = (sec: number) => ({ 'Retry-After': String(Math.max(1, Math.ceil(sec))) });

export const routeNotFound = (method: string, path: string) =>
  new HttpError(404, 'ROUTE_NOT_FOUND', `no route for ${method} ${path.slice(0, 200)}`);

export const unsupportedMediaType = (message: string) =>
  new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', message, {}, {}, ['content-type']);

export const badHeader = (header: string, message: string) =>
  new HttpError(400, 'BAD_HEADER', message, {}, {}, [header]);

export const rangeNotSatisfiable = (range: string, size: number) =>
  new HttpError(
    416,
    'RANGE_NOT_SATISFIABLE',
    `range not satisfiable: ${range.slice(0, 100)} (the artifact has ${size} bytes)`,
    { 'Content-Range': `bytes */${size}` },
    {},
    ['range'],
  );

export const unauthorized = (message: string, challenge: string) =>
  new HttpError(401, 'UNAUTHORIZED', message, { 'WWW-Authenticate': challenge });

export const tooManyRequests = (message: string, retryAfterSec: number) =>
  new HttpError(429, 'RATE_LIMITED', message, retryAfter(retryAfterSec));

export const serviceUnavailable = (
  code: string,
  message: string,
  retryAfterSec: number,
  details?: Record<string, unknown>,
) => new HttpError(503, code, message, retryAfter(retryAfterSec), details);
