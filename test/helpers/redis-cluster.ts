import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { redisAnswers } from '@job-runner/jobs';
import { eventually } from './eventually';
import { freePort } from './free-port';

/**
 * A real Redis Cluster of a test's own on loopback: `masters` redis-server processes (no
 * replicas) on free ports, joined with `redis-cli --cluster create`, each with its data in a
 * temporary directory. Use:
 *
 *   const cluster = new RedisCluster();
 *   await cluster.start();            // resolves once every node says cluster_state:ok
 *   startTestServer({ REDIS_CLUSTER_NODES: cluster.nodes });
 *   ...
 *   await cluster.dispose();          // kills the nodes, removes their data
 *
 * Call dispose() in afterAll whatever happened: after a start that failed half-way too.
 *
 * Nodes bind to 127.0.0.1 and are known to each other (and to clients, in MOVED answers) by
 * that address, so only processes of this host can use the cluster.
 */
export class RedisCluster {
  /** The client port of each master, in the order they were created. */
  readonly ports: number[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-runner-cluster-'));

  constructor(private readonly masters = 3) {}

  /** `host:port,...` of every master: the value REDIS_CLUSTER_NODES takes. */
  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  async start(): Promise<void> {
    if (this.ports.length) throw new Error('this cluster was started already');
    for (let i = 0; i < this.masters; i++) {
      const port = await freePort();
      // The bus port would be port + 10000 by default: past 65535 for most ephemeral ports.
      const busPort = await freePort();
      const dir = path.join(this.dir, String(port));
      fs.mkdirSync(dir);
      this.ports.push(port);
      this.children.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--cluster-port',
            String(busPort),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--dir',
            dir,
            '--save',
            '',
            '--appendonly',
            'no',
            '--daemonize',
            'no',
          ],
          { cwd: dir, stdio: 'ignore' },
        ),
      );
    }
    for (const port of this.ports)
      await eventually(`redis-server on ${port} to answer`, () => redisAnswers('127.0.0.1', port));
    await promisify(execFile)(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...this.ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 60_000 },
    ).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(
        `redis-cli --cluster create failed: ${err.stderr || err.stdout || err.message}`,
      );
    });
    // Every node must know every slot's owner before a client can rely on its answers.
    for (const port of this.ports) {
      const node = new Redis(port, '127.0.0.1', { lazyConnect: true });
      try {
        await eventually(`node ${port} to say cluster_state:ok`, async () =>
          /cluster_state:ok/.test(await node.cluster('INFO')),
        );
      } finally {
        node.disconnect();
      }
    }
  }

  /** Kills every node and removes their data. */
  async dispose(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
