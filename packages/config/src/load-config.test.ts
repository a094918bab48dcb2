import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const c = loadConfig({}, { dotenvDir: null });
    expect(c.port).toBe(8000);
    expect(c.inlineWorker).toBe(true);
    expect(c.useDocker).toBe(true);
    expect(c.runtimes).toEqual({ python: 'job-runner-exec:latest' });
  });

  it('names each bad variable and what it accepts', () => {
    const load = () =>
      loadConfig(
        { PORT: 'eighty', INLINE_WORKER: 'maybe', MAX_TIMEOUT_SEC: '9000' },
        { dotenvDir: null },
      );
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT: must be a number \(got "eighty"\)/);
    expect(load).toThrow(/INLINE_WORKER: must be a boolean/);
    expect(load).toThrow(/MAX_TIMEOUT_SEC: must be less than or equal to 600/);
  });

  it('resolves an empty REDIS_URL to localhost once, and says it was not given', () => {
    expect(loadConfig({}, { dotenvDir: null })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      redisUrlGiven: false,
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6380' }, { dotenvDir: null })).toMatchObject({
      redisUrl: 'redis://cache:6380',
      redisUrlGiven: true,
    });
  });

  it('reads .env without overriding the real environment', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, '.env'), 'PORT=9001\nQUEUE_NAME=fromfile\n');
    const c = loadConfig({ QUEUE_NAME: 'fromenv' }, { dotenvDir: dir });
    expect(c.port).toBe(9001);
    expect(c.queueName).toBe('fromenv');
  });

  it('adds runtimes from RUNTIMES', () => {
    const c = loadConfig({ RUNTIMES: 'py311=img:3.11,data=img:data' }, { dotenvDir: null });
    expect(c.runtimes).toEqual({
      py311: 'img:3.11',
      data: 'img:data',
      python: 'job-runner-exec:latest',
    });
  });
});

describe('sandbox settings', () => {
  it("raises the CPU floor under gVisor, whose own kernel works inside the sandbox's limit", () => {
    const load = (env: Record<string, string>) =>
      loadConfig(env, { dotenvDir: null }).limits.minCpuLimit;
    expect(load({})).toBe(0.01);
    expect(load({ SANDBOX_RUNTIME: 'runsc' })).toBe(0.1);
    expect(load({ SANDBOX_RUNTIME: 'runsc', MIN_CPU_LIMIT: '0.25' })).toBe(0.25);
    // Never above the operator's cap, and never below the engine's own floor.
    expect(load({ SANDBOX_RUNTIME: 'runsc', MAX_CPU_LIMIT: '0.05' })).toBe(0.05);
    expect(() => load({ MIN_CPU_LIMIT: '0.001' })).toThrow(/MIN_CPU_LIMIT/);
    expect(() => load({ MIN_CPU_LIMIT: '3' })).toThrow(/MIN_CPU_LIMIT/);
  });

  it('passes SANDBOX_RUNTIME and the outbound network through', () => {
    const c = loadConfig(
      { SANDBOX_RUNTIME: 'runsc', OUTBOUND_ENABLED: '0', OUTBOUND_NETWORK: 'my-net' },
      { dotenvDir: null },
    );
    expect(c.sandboxRuntime).toBe('runsc');
    expect(c.outbound).toEqual({ enabled: false, network: 'my-net' });
    expect(loadConfig({}, { dotenvDir: null }).outbound).toEqual({
      enabled: true,
      network: 'job-runner-outbound',
    });
  });

  it('refuses an unusable network or runtime name', () => {
    expect(() =>
      loadConfig({ OUTBOUND_NETWORK: 'bad name', SANDBOX_RUNTIME: 'x;y' }, { dotenvDir: null }),
    ).toThrow(/OUTBOUND_NETWORK[\s\S]*SANDBOX_RUNTIME|SANDBOX_RUNTIME[\s\S]*OUTBOUND_NETWORK/);
  });
});
