import http from 'node:http';
import https from 'node:https';
import { CallbackDeliveryError } from '../errors/callback-delivery-error';
import { pinnedLookup } from './pinned-lookup';
import type { CallbackTarget } from './resolve-callback-target';

export interface PostCallbackOptions {
  url: URL;
  /** The checked address the connection must go to. */
  target: CallbackTarget;
  body: string;
  headers: Record<string, string>;
  /** For the whole attempt: connect, send, and the answer's status and body. */
  timeoutMs: number;
}

/** The answer's body is read (so the connection ends cleanly) up to this much, then dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One POST of a callback, to the checked address only, and its status. Resolves on a 2xx; rejects
 * on anything else: a network error, the deadline, a 3xx (a redirect is not followed: it would
 * lead to a target nobody checked), a 4xx or 5xx. What the receiver answered is never kept, only
 * its status: the job view must not become a way to read internal services.
 */
export function postCallback(opts: PostCallbackOptions): Promise<number> {
  const { url, target, body, headers, timeoutMs } = opts;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | null, status = 0) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(status);
    };
    const req = client.request(
      {
        method: 'POST',
        protocol: url.protocol,
        // The name stays the request's (Host header, TLS server name and certificate check);
        // only the address is pinned.
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        auth:
          url.username || url.password
            ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
            : undefined,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(target),
        // A connection of its own: a pooled one could have been made to another address.
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const done = () =>
          settle(
            status >= 200 && status < 300
              ? null
              : new CallbackDeliveryError(
                  `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}` +
                    (status >= 300 && status < 400 ? ' (redirects are not followed)' : ''),
                ),
            status,
          );
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      const err = new CallbackDeliveryError(`no answer within ${timeoutMs} ms`);
      settle(err);
      req.destroy(err);
    }, timeoutMs);
    req.on('error', (err: Error & { code?: string }) =>
      settle(new CallbackDeliveryError(err.code ? `${err.code}: ${err.message}` : err.message)),
    );
    req.end(body);
  });
}
