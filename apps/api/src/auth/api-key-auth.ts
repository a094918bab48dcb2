import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { serviceUnavailable, tooManyRequests, unauthorized } from '../errors/http-error';
import { setCallerKey } from './caller-key';
import { safeEqual } from './safe-equal';

export interface ApiKeyOptions {
  keys: string[];
  /** Requests per key per window; 0: no limit. */
  rateLimit: number;
  rateWindowSec: number;
  /** Redis key prefix of the counters (shared by every API process of one deployment). */
  keyPrefix: string;
}

/** A short, stable id of a key: what Redis and the logs see instead of the key itself. */
export const keyId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
function presentedKey(authorization: string | undefined, xApiKey: unknown): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (m) return m[1];
  if (typeof xApiKey === 'string' && xApiKey.trim()) return xApiKey.trim();
  return null;
}

/**
 * Requires one of the configured keys on every request it guards (401 otherwise), then counts the
 * request against that key's own limit in Redis, so the limit holds across API processes (429
 * with Retry-After past it). Redis unreachable: 503, since nothing else would work either.
 */
export function apiKeyAuth(
  opts: ApiKeyOptions,
  redis: RedisClient,
  logger: Logger,
): RequestHandler {
  const limiter =
    opts.rateLimit > 0
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: opts.keyPrefix,
          points: opts.rateLimit,
          duration: opts.rateWindowSec,
        })
      : null;
  return async (req, res, next) => {
    const given = presentedKey(req.headers.authorization, req.headers['x-api-key']);
    if (!given)
      return next(
        unauthorized(
          'an API key is required: send Authorization: Bearer <key> or X-API-Key',
          'Bearer',
        ),
      );
    // Every configured key is compared (in constant time), so timing says nothing about which.
    const matched = opts.keys.map((k) => safeEqual(given, k)).some(Boolean);
    if (!matched) return next(unauthorized('the API key is not valid', 'Bearer'));
    const id = keyId(given);
    // The jobs this request submits are this key's; others' are not found for it.
    setCallerKey(res, id);
    if (!limiter) return next();
    try {
      const r = await limiter.consume(id);
      res.setHeader('RateLimit-Limit', String(opts.rateLimit));
      res.setHeader('RateLimit-Remaining', String(r.remainingPoints));
      next();
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        return next(
          tooManyRequests(
            `rate limit of ${opts.rateLimit} requests per ${opts.rateWindowSec} s reached for this key`,
            err.msBeforeNext / 1000,
          ),
        );
      }
      logger.warn('rate limiter unavailable', { key: id, error: (err as Error).message });
      next(
        serviceUnavailable(
          'REDIS_UNAVAILABLE',
          'the rate limiter is unavailable (Redis does not answer)',
          5,
        ),
      );
    }
  };
}
