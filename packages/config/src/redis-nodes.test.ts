import { loadConfig } from './load-config';
import { parseRedisNodes } from './redis-nodes';

describe('REDIS_CLUSTER_NODES', () => {
  it('is empty by default: the standalone REDIS_URL', () => {
    expect(loadConfig({}, { dotenvDir: null }).redisClusterNodes).toEqual([]);
  });

  it('lists host:port entries, IPv6 in brackets, spaces and repeats ignored', () => {
    expect(
      parseRedisNodes(
        ' redis-1:7000, 10.0.0.2:7001,[::1]:7002,redis_3.internal:6379,redis-1:7000,',
      ),
    ).toEqual([
      { host: 'redis-1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
      { host: 'redis_3.internal', port: 6379 },
    ]);
  });

  it('reaches the configuration as nodes', () => {
    expect(
      loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' }, { dotenvDir: null })
        .redisClusterNodes,
    ).toEqual([
      { host: '127.0.0.1', port: 7000 },
      { host: '127.0.0.1', port: 7001 },
    ]);
  });

  it.each([
    'redis-1',
    'redis-1:',
    ':7000',
    'redis-1:0',
    'redis-1:65536',
    'redis://a:7000',
    '::1:7000',
  ])('refuses %s, naming the variable and the entry', (entry) => {
    expect(() =>
      loadConfig({ REDIS_CLUSTER_NODES: `127.0.0.1:7000,${entry}` }, { dotenvDir: null }),
    ).toThrow(`REDIS_CLUSTER_NODES: entry ${JSON.stringify(entry)} is not host:port`);
  });

  it.each([
    'redis://:secret@cache:6379',
    'redis://user:secret@cache:6379',
    'rediss://cache:6380',
    'redis://cache:6379/0?password=secret',
  ])(
    'refuses a REDIS_URL with a password or TLS beside it (%s): the nodes would get neither',
    (url) => {
      const load = () =>
        loadConfig({ REDIS_URL: url, REDIS_CLUSTER_NODES: '127.0.0.1:7000' }, { dotenvDir: null });
      expect(load).toThrow(
        /REDIS_CLUSTER_NODES: cannot be used with a REDIS_URL that has a password/,
      );
      // The URL alone is still fine.
      expect(loadConfig({ REDIS_URL: url }, { dotenvDir: null }).redisClusterNodes).toEqual([]);
    },
  );

  it('leaves a plain REDIS_URL beside it alone (compose fixes one)', () => {
    const c = loadConfig(
      { REDIS_URL: 'redis://redis:6379', REDIS_CLUSTER_NODES: 'node-1:7000' },
      { dotenvDir: null },
    );
    expect(c.redisClusterNodes).toEqual([{ host: 'node-1', port: 7000 }]);
  });
});
