import { createHmac } from 'node:crypto';

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = 'X-Job-Runner-Signature';
export const EVENT_HEADER = 'X-Job-Runner-Event';
export const JOB_ID_HEADER = 'X-Job-Runner-Job-Id';
/** The one event there is. Receivers should ignore events they do not know. */
export const JOB_ENDED_EVENT = 'job.ended';

/**
 * The signature header's value for `body` sent at `timeSec`. The time is signed with the body
 * (as Stripe and GitHub do) so a receiver can refuse a replay of an old callback, not just a
 * forged one; `v1` names the scheme, so another can be added beside it without breaking anyone.
 */
export function signCallback(secret: string, body: string, timeSec: number): string {
  const t = Math.floor(timeSec);
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}
