import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

describe('operator configuration', () => {
  it('defaults: board read-only and unmounted, keys off, a queue cap', () => {
    const c = loadConfig({}, { dotenvDir: null });
    expect(c.admin).toEqual({
      basePath: '/admin/queues',
      user: '',
      password: '',
      readOnly: true,
      logLines: 100,
    });
    expect(c.apiKeys).toEqual({ keys: [], rateLimit: 600, rateWindowSec: 60 });
    expect(c.backpressure).toEqual({ maxQueueSize: 1000, retryAfterSec: 10 });
  });

  it('needs both admin credentials or neither', () => {
    expect(() => loadConfig({ ADMIN_USER: 'ops' }, { dotenvDir: null })).toThrow(
      /ADMIN_USER: missing required peer "ADMIN_PASSWORD"/,
    );
    expect(() => loadConfig({ ADMIN_PASSWORD: 'pw-secret' }, { dotenvDir: null })).toThrow(
      ConfigError,
    );
  });

  it('never echoes a secret value in its error', () => {
    try {
      loadConfig({ API_KEYS: 'short,keys', ADMIN_PASSWORD: 'pw-secret' }, { dotenvDir: null });
      throw new Error('no error');
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toMatch(/API_KEYS: must be comma-separated keys of at least 16 characters/);
      expect(msg).toContain('(got (hidden))');
      expect(msg).not.toContain('short');
      expect(msg).not.toContain('pw-secret');
    }
  });

  it('splits API_KEYS and refuses a base path that hides a route', () => {
    const c = loadConfig(
      { API_KEYS: 'aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbb', ADMIN_READ_ONLY: '0' },
      { dotenvDir: null },
    );
    expect(c.apiKeys.keys).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
    expect(c.admin.readOnly).toBe(false);
    expect(() => loadConfig({ ADMIN_BASE_PATH: '/jobs' }, { dotenvDir: null })).toThrow(
      /ADMIN_BASE_PATH/,
    );
  });
});
