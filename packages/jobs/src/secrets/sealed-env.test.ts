import { randomBytes } from 'node:crypto';
import { openSealedEnv, sealEnv } from './sealed-env';

describe('sealed job environments', () => {
  const key = randomBytes(32);
  const env = { TOKEN: 'value-that-must-not-show', EMPTY: '', ÜNICODE: '✓' };

  it('opens with the key and the job id it was sealed for', () => {
    const sealed = sealEnv(env, key, 'job-1');
    expect(sealed).not.toContain('value-that-must-not-show');
    expect(openSealedEnv(sealed, key, 'job-1')).toEqual(env);
  });

  it('seals the same values differently each time (a fresh nonce)', () => {
    expect(sealEnv(env, key, 'job-1')).not.toBe(sealEnv(env, key, 'job-1'));
  });

  it('does not open under another key, for another job, or when altered', () => {
    const sealed = sealEnv(env, key, 'job-1');
    expect(() => openSealedEnv(sealed, randomBytes(32), 'job-1')).toThrow(/JOB_SECRETS_KEY/);
    expect(() => openSealedEnv(sealed, key, 'job-2')).toThrow(/does not open/);
    const parsed = JSON.parse(sealed) as { data: string };
    const bytes = Buffer.from(parsed.data, 'base64');
    bytes[0] ^= 1;
    const altered = JSON.stringify({ ...parsed, data: bytes.toString('base64') });
    expect(() => openSealedEnv(altered, key, 'job-1')).toThrow(/does not open/);
    expect(() => openSealedEnv('{"v":9}', key, 'job-1')).toThrow(/not in a known form/);
  });
});
