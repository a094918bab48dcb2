import { loadConfig } from './load-config';

describe('callback configuration', () => {
  it('defaults: no secret, 8 attempts from 30 s (about an hour), 10 s each, no host allowed', () => {
    const { callbacks } = loadConfig({}, { dotenvDir: null });
    expect(callbacks).toEqual({
      secret: '',
      attempts: 8,
      backoffMs: 30_000,
      timeoutMs: 10_000,
      allowedHosts: [],
    });
    // Seven waits between eight attempts, each twice the one before.
    const waitedMs = Array.from({ length: 7 }, (_, i) => callbacks.backoffMs * 2 ** i);
    expect(waitedMs.reduce((a, b) => a + b) / 60_000).toBeCloseTo(63.5, 1);
  });

  it('reads CALLBACK_ALLOWED_HOSTS as lower-cased host and host:port entries', () => {
    const { callbacks } = loadConfig(
      { CALLBACK_ALLOWED_HOSTS: 'Hooks.Internal,127.0.0.1:8080,[::1]:9000' },
      { dotenvDir: null },
    );
    expect(callbacks.allowedHosts).toEqual(['hooks.internal', '127.0.0.1:8080', '[::1]:9000']);
  });

  it('refuses a short secret without ever echoing it', () => {
    expect(() => loadConfig({ CALLBACK_SECRET: 'short-secret' }, { dotenvDir: null })).toThrow(
      /CALLBACK_SECRET: length must be at least 16 characters long \(got \(hidden\)\)/,
    );
    expect(() => loadConfig({ CALLBACK_SECRET: 'short-secret' }, { dotenvDir: null })).not.toThrow(
      /short-secret/,
    );
  });

  it('refuses bad numbers and an allowed-hosts list with spaces, naming the variable', () => {
    expect(() => loadConfig({ CALLBACK_ATTEMPTS: '0' }, { dotenvDir: null })).toThrow(
      /CALLBACK_ATTEMPTS/,
    );
    expect(() => loadConfig({ CALLBACK_TIMEOUT_MS: '5' }, { dotenvDir: null })).toThrow(
      /CALLBACK_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ CALLBACK_ALLOWED_HOSTS: 'a, b' }, { dotenvDir: null })).toThrow(
      /CALLBACK_ALLOWED_HOSTS/,
    );
  });
});
