import { createHmac, timingSafeEqual } from 'node:crypto';
import { signCallback } from './sign-callback';

/** What a receiver does (the README's recipe): parse, recompute, compare in constant time. */
function verify(secret: string, header: string, body: string, nowSec: number): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSec - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const got = Buffer.from(String(parts.v1), 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

describe('signCallback', () => {
  const secret = 'a-callback-secret-of-some-length';
  const body = '{"job_id":"x","status":"succeeded"}';

  it('signs "<t>.<body>" with HMAC-SHA256, as t=<seconds>,v1=<hex>', () => {
    const header = signCallback(secret, body, 1_700_000_000.9);
    const mac = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${mac}`);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('verifies with the secret, and not with another secret, body or time', () => {
    const now = 1_700_000_000;
    const header = signCallback(secret, body, now);
    expect(verify(secret, header, body, now + 10)).toBe(true);
    expect(verify('another-secret-entirely', header, body, now)).toBe(false);
    expect(verify(secret, header, body.replace('succeeded', 'failed'), now)).toBe(false);
    expect(verify(secret, header.replace('t=1700000000', 't=1700000001'), body, now)).toBe(false);
    // A replay, five minutes on: the signature is right, the time is not.
    expect(verify(secret, header, body, now + 301)).toBe(false);
  });
});
