import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/**
 * A Docker engine of a test's own, beside the machine's: its own data root, exec root, pid file
 * and socket, and its own network namespace (an engine started with `--bridge=none` in the
 * host's would delete the host engine's docker0). It can be stopped and started again (its data
 * root, the sandbox image in it, survives), and stands for another host's engine.
 */
export class SecondEngine {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-engine-'));
  readonly socket = path.join(this.dir, 'docker.sock');
  readonly netns = `jr-engine-${path.basename(this.dir).slice(-6)}`;
  private child: ChildProcess | null = null;

  get host(): string {
    return `unix://${this.socket}`;
  }

  private docker(...args: string[]): string {
    return execFileSync('docker', ['-H', this.host, ...args], { encoding: 'utf8' });
  }

  /** Starts the engine and waits until it answers. */
  async start(): Promise<void> {
    try {
      execFileSync('ip', ['netns', 'add', this.netns], { stdio: 'ignore' });
      execFileSync('ip', ['-n', this.netns, 'link', 'set', 'lo', 'up'], { stdio: 'ignore' });
    } catch {
      /* there already: a restart */
    }
    // nsenter joins the namespace only (`ip netns exec` would remount /sys, cgroups and all).
    this.child = spawn(
      'nsenter',
      [
        `--net=/var/run/netns/${this.netns}`,
        'dockerd',
        '--data-root',
        path.join(this.dir, 'data'),
        '--exec-root',
        path.join(this.dir, 'exec'),
        '--pidfile',
        path.join(this.dir, 'docker.pid'),
        '-H',
        this.host,
        '--bridge=none',
        '--iptables=false',
      ],
      { stdio: ['ignore', 'ignore', fs.openSync(path.join(this.dir, 'dockerd.log'), 'a')] },
    );
    await eventually(
      'the second engine answers',
      () => {
        try {
          this.docker('info', '--format', '{{.ServerVersion}}');
          return Promise.resolve(true);
        } catch {
          return Promise.resolve(false);
        }
      },
      60_000,
      250,
    );
  }

  /** Copies the sandbox image into it (once: it stays in its data root). */
  loadImage(): void {
    try {
      this.docker('image', 'inspect', IMAGE);
      return;
    } catch {
      execFileSync('sh', ['-c', `docker save ${IMAGE} | docker -H ${this.host} load`], {
        stdio: 'ignore',
      });
    }
  }

  /** Stops it as an operator would (SIGTERM): every container on it dies with it. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Containers on it (any state) carrying `label`. */
  containers(label: string): string[] {
    return this.docker('ps', '-aq', '--filter', `label=${label}`).split('\n').filter(Boolean);
  }

  /** Stops it and removes everything it kept. */
  async dispose(): Promise<void> {
    if (this.child) {
      try {
        this.docker('rm', '-f', ...this.docker('ps', '-aq').split('\n').filter(Boolean));
      } catch {
        /* nothing to remove */
      }
    }
    await this.stop();
    execFileSync('sh', [
      '-c',
      `umount -R ${this.dir}/exec 2>/dev/null; umount -R ${this.dir}/data 2>/dev/null; true`,
    ]);
    execFileSync('ip', ['netns', 'del', this.netns], { stdio: 'ignore' });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
