import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A host that answers TCP on port 80 at `address`, living in a network namespace of this machine
 * behind a veth pair, so packets to it are forwarded by the host exactly as they would be to a
 * real one, and none ever leaves the machine. Needs root (the tests run as root).
 */
export class FakeHost {
  private readonly tag = randomBytes(3).toString('hex');
  readonly ns = `jrmeta-${this.tag}`;
  private readonly hostIf = `jrm${this.tag}a`;
  private readonly nsIf = `jrm${this.tag}b`;
  private server?: ChildProcess;

  constructor(
    /** The address it answers at. */
    readonly address: string,
    /** The host's own address on the veth pair (any unused one). */
    private readonly hostSide: string,
    /** What it sends to every connection. */
    private readonly reply: string,
  ) {}

  async start(): Promise<void> {
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    ip('netns', 'add', this.ns);
    ip('link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.nsIf);
    ip('link', 'set', this.nsIf, 'netns', this.ns);
    ip('link', 'set', this.hostIf, 'up');
    ip('addr', 'add', `${this.hostSide}/32`, 'dev', this.hostIf);
    ip('route', 'add', `${this.address}/32`, 'dev', this.hostIf);
    ip('-n', this.ns, 'link', 'set', 'lo', 'up');
    ip('-n', this.ns, 'link', 'set', this.nsIf, 'up');
    ip('-n', this.ns, 'addr', 'add', `${this.address}/32`, 'dev', this.nsIf);
    // Everything back through the host, which routes it on (to a sandbox, or to itself).
    ip('-n', this.ns, 'route', 'add', 'default', 'via', this.hostSide, 'dev', this.nsIf, 'onlink');
    this.server = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.ns,
        process.execPath,
        '-e',
        `require("net").createServer((s) => s.end(${JSON.stringify(this.reply)})).listen(80, "${this.address}")`,
      ],
      { stdio: 'ignore' },
    );
    // Ready when the host itself can reach it (also proves the target is reachable at all).
    for (let i = 0; i < 100; i++) {
      if (await this.reachable()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the fake host at ${this.address} did not come up`);
  }

  /** True when a TCP connection from this process to it succeeds. */
  reachable(): Promise<boolean> {
    return canConnect(this.address, 80, 2000);
  }

  stop(): void {
    if (this.server?.pid) {
      try {
        process.kill(this.server.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    const quiet = (...args: string[]) => {
      try {
        execFileSync('ip', args, { stdio: 'pipe' });
      } catch {
        /* already gone */
      }
    };
    quiet('route', 'del', `${this.address}/32`, 'dev', this.hostIf);
    quiet('link', 'del', this.hostIf);
    quiet('netns', 'del', this.ns);
  }
}

/** True when a TCP connection from this process to host:port succeeds within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: timeoutMs });
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** A stand-in for a cloud metadata service, at 169.254.169.254:80. */
export class FakeMetadata extends FakeHost {
  static readonly ADDRESS = '169.254.169.254';
  constructor() {
    super(FakeMetadata.ADDRESS, '169.254.169.1', 'metadata');
  }
}

/**
 * A host on the public internet as a sandbox sees it (TEST-NET-3, 203.0.113.7:80): what an
 * outbound sandbox must reach, the control that tells "firewalled" from "broken".
 */
export class FakePublicHost extends FakeHost {
  static readonly ADDRESS = '203.0.113.7';
  static readonly REPLY = 'hello from the internet';
  constructor() {
    super(FakePublicHost.ADDRESS, '203.0.113.1', FakePublicHost.REPLY);
  }
}
