import type { Response } from 'express';

/**
 * The id of the API key a request came with (see apiKeyAuth), which owns the jobs it submits;
 * undefined on a server without API_KEYS, where every job is anyone's who has its id.
 */
export function callerKey(res: Response): string | undefined {
  const id: unknown = res.locals.apiKeyId;
  return typeof id === 'string' ? id : undefined;
}

/** Records the key a request was let in with, for callerKey. */
export function setCallerKey(res: Response, id: string): void {
  res.locals.apiKeyId = id;
}
