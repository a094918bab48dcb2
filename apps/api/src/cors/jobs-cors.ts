import cors from 'cors';
import type { RequestHandler } from 'express';

/** Headers of our answers a page on another origin may read (the safelisted ones it always can). */
const EXPOSED = ['Content-Disposition', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining'];

/**
 * CORS on the job routes, for pages served from another origin (or opened from disk): answers
 * preflights and marks every answer, errors and the SSE stream included, as readable by the
 * listed origins. Null when none are listed: no CORS header at all, as before. Requests carry
 * no cookies (keys travel in headers), so credentials are never allowed, and `*` stays safe to
 * send; the key headers are allowed only when there are keys to send.
 */
export function jobsCors(origins: string[], withKeys: boolean): RequestHandler | null {
  if (origins.length === 0) return null;
  return cors({
    // A list: the request's origin is echoed when listed (with Vary: Origin), else none is sent.
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'DELETE'],
    allowedHeaders: [
      'Content-Type',
      // An SSE client resuming a stream (fetch-based ones send it as a header).
      'Last-Event-ID',
      ...(withKeys ? ['Authorization', 'X-API-Key'] : []),
    ],
    exposedHeaders: EXPOSED,
    credentials: false,
    // Browsers cap it (Chromium at 2 h); 10 min spares a preflight per request without pinning
    // a changed policy for long.
    maxAge: 600,
  }) as RequestHandler;
}
