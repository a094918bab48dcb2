/**
 * The server could not be reached at all (refused, unknown host, reset before an answer): no
 * HTTP status to speak of, and nothing was done on the server's side that the caller can see.
 */
export class JobRunnerConnectionError extends Error {
  override readonly name = 'JobRunnerConnectionError';

  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url}: ${reasonOf(cause)}`, { cause });
  }
}

/** fetch says only "fetch failed"; the system's reason (ECONNREFUSED, ENOTFOUND) is deeper. */
function reasonOf(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && code && !cause) {
      return typeof message === 'string' && message.includes(code) ? message : code;
    }
    if (!cause) return typeof message === 'string' && message ? message : 'fetch failed';
    e = cause;
  }
  return typeof e === 'string' ? e : 'fetch failed';
}
