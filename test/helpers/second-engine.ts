import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';
import { TestCa } from './test-ca';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/** The port of the engine's API over TLS, as for any Docker host. */
const TLS_PORT = 2376;

export interface SecondEngineOptions {
  /**
   * Also serve the engine's API over TCP with TLS, reachable from this machine as another
   * host's engine would be: `tlsHost` and `certPath` are then what a worker's DOCKER_HOST and
   * DOCKER_CERT_PATH (with DOCKER_TLS_VERIFY=1) need. Its unix socket stays, for the test.
   */
  tls?: boolean;
}

/** How the engine's namespace is reached over TLS: the link to it and the certificates. */
interface TlsLink {
  /** This machine's end of the veth pair and its address; the engine's on the other end. */
  hostVeth: string;
  hostIp: string;
  engineIp: string;
  ca: TestCa;
  server: { cert: string; key: string };
  /** ca.pem, cert.pem, key.pem of a client the engine accepts. */
  clientDir: string;
}

/**
 * A Docker engine of a test's own, beside the machine's: its own data root, exec root, pid file
 * and socket, and its own network namespace (an engine started with `--bridge=none` in the
 * host's would delete the host engine's docker0). It can be stopped and started again (its data
 * root, the sandbox image in it, survives), and stands for another host's engine.
 *
 * With `{ tls: true }` it also listens on tcp://<its address>:2376 with `--tlsverify`, as a
 * remote Docker host does: a veth pair joins this machine to its namespace over a private /30
 * out of 10.213.0.0/16, and a CA of its own (openssl) signs the engine's certificate (for that
 * address) and one client's. A worker reaches it with
 *   DOCKER_HOST=engine.tlsHost DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=engine.certPath
 * and `engine.ca` issues other clients (a wrong CA, a certificate it does not know).
 */
export class SecondEngine {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-engine-'));
  readonly socket = path.join(this.dir, 'docker.sock');
  private readonly tag = path.basename(this.dir).slice(-6);
  readonly netns = `jr-engine-${this.tag}`;
  private child: ChildProcess | null = null;
  /** Made at the first start (it picks an address free at that moment). */
  private tls: TlsLink | null = null;

  constructor(private readonly options: SecondEngineOptions = {}) {}

  /** Its unix socket (what the test itself drives it through). */
  get host(): string {
    return `unix://${this.socket}`;
  }

  /** Its API over TCP with TLS: a worker's DOCKER_HOST (with `{ tls: true }`, once started). */
  get tlsHost(): string {
    return `tcp://${this.tlsLink.engineIp}:${TLS_PORT}`;
  }

  /** A client's certificates that it accepts: a worker's DOCKER_CERT_PATH. */
  get certPath(): string {
    return this.tlsLink.clientDir;
  }

  /** The CA its certificate and its clients' come from. */
  get ca(): TestCa {
    return this.tlsLink.ca;
  }

  private get tlsLink(): TlsLink {
    if (!this.tls) throw new Error('no TLS: made without { tls: true }, or not started yet');
    return this.tls;
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
    if (this.options.tls && !this.tls) this.tls = this.link(this.makeTlsLink());
    const tls = this.tls;
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
        ...(tls
          ? [
              ...['-H', `tcp://${tls.engineIp}:${TLS_PORT}`, '--tlsverify'],
              ...['--tlscacert', tls.ca.certFile, '--tlscert', tls.server.cert],
              ...['--tlskey', tls.server.key],
            ]
          : []),
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
    if (this.tls) execFileSync('sh', ['-c', `ip link del ${this.tls.hostVeth} 2>/dev/null; true`]);
    execFileSync('ip', ['netns', 'del', this.netns], { stdio: 'ignore' });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The certificates, and a /30 for the link that no interface of this machine uses yet. */
  private makeTlsLink(): TlsLink {
    const taken = execFileSync('ip', ['-o', '-4', 'route', 'show', 'table', 'all'], {
      encoding: 'utf8',
    });
    // Keyed on the engine's random tag, stepping on past a /30 already routed here.
    let slot = createHash('sha256').update(this.tag).digest().readUInt16BE(0) % 16384;
    let subnet = '';
    for (let tries = 0; tries < 16384; tries++, slot = (slot + 1) % 16384) {
      subnet = `10.213.${slot >> 6}.${(slot & 63) * 4}`;
      if (!taken.includes(`${subnet}/30`)) break;
    }
    const base = subnet.slice(0, subnet.lastIndexOf('.') + 1);
    const last = Number(subnet.slice(base.length));
    const engineIp = `${base}${last + 2}`;
    const ca = new TestCa(path.join(this.dir, 'tls', 'ca'), `job-runner test engine ${this.tag}`);
    return {
      hostVeth: `jrh${this.tag}`,
      hostIp: `${base}${last + 1}`,
      engineIp,
      ca,
      server: ca.issueServer(path.join(this.dir, 'tls', 'engine'), engineIp),
      clientDir: ca.issueClient(path.join(this.dir, 'tls', 'client')),
    };
  }

  /** The veth pair from this machine into its namespace, with the /30's two addresses. */
  private link(tls: TlsLink): TlsLink {
    const inside = `jrn${this.tag}`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' });
    ip('link', 'add', tls.hostVeth, 'type', 'veth', 'peer', 'name', inside, 'netns', this.netns);
    ip('addr', 'add', `${tls.hostIp}/30`, 'dev', tls.hostVeth);
    ip('link', 'set', tls.hostVeth, 'up');
    ip('-n', this.netns, 'addr', 'add', `${tls.engineIp}/30`, 'dev', inside);
    ip('-n', this.netns, 'link', 'set', inside, 'up');
    return tls;
  }
}
