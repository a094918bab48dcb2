import { AppError } from '@job-runner/jobs';

/** An AppError that also sets response headers (WWW-Authenticate, Retry-After). */
export class HeaderedError extends AppError {
  constructor(
    status: number,
    message: string,
    readonly headers: Record<string, string>,
    details?: Record<string, unknown>,
  ) {
    super(status, message, details);
    this.name = 'HeaderedError';
  }
}

export const unauthorized = (message: string, challenge: string) =>
  new HeaderedError(401, message, { 'WWW-Authenticate': challenge });

export const tooManyRequests = (message: string, retryAfterSec: number) =>
  new HeaderedError(429, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSec))) });

export const serviceUnavailable = (
  message: string,
  retryAfterSec: number,
  details?: Record<string, unknown>,
) =>
  new HeaderedError(
    503,
    message,
    { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSec))) },
    details,
  );
