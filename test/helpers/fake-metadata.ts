import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A stand-in for a cloud metadata service at 169.254.169.254:80, living in a network namespace
 * of this machine behind a veth pair, so packets to it are forwarded by the host exactly as they
 * would be to a real one, and none ever leaves the machine. Needs root (the tests run as root).
 */
export class FakeMetadata {
  static readonly ADDRESS = '169.254.169.254';
  private static readonly HOST_SIDE = '169.254.169.1';
  private readonly tag = randomBytes(3).toString('hex');
  readonly ns = `jrmeta-${this.tag}`;
  private readonly hostIf = `jrm${this.tag}a`;
  private readonly nsIf = `jrm${this.tag}b`;
  private server?: ChildProcess;

  async start(): Promise<void> {
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    ip('netns', 'add', this.ns);
    ip('link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.nsIf);
    ip('link', 'set', this.nsIf, 'netns', this.ns);
    ip('link', 'set', this.hostIf, 'up');
    ip('addr', 'add', `${FakeMetadata.HOST_SIDE}/32`, 'dev', this.hostIf);
    ip('route', 'add', `${FakeMetadata.ADDRESS}/32`, 'dev', this.hostIf);
    ip('-n', this.ns, 'link', 'set', 'lo', 'up');
    ip('-n', this.ns, 'link', 'set', this.nsIf, 'up');
    ip('-n', this.ns, 'addr', 'add', `${FakeMetadata.ADDRESS}/32`, 'dev', this.nsIf);
    // Everything back through the host, which routes it on (to a sandbox, or to itself).
    ip(
      '-n',
      this.ns,
      'route',
      'add',
      'default',
      'via',
      FakeMetadata.HOST_SIDE,
      'dev',
      this.nsIf,
      'onlink',
    );
    this.server = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.ns,
        process.execPath,
        '-e',
        `require("net").createServer((s) => s.end("metadata")).listen(80, "${FakeMetadata.ADDRESS}")`,
      ],
      { stdio: 'ignore' },
    );
    // Ready when the host itself can reach it (also proves the target is reachable at all).
    for (let i = 0; i < 100; i++) {
      if (await FakeMetadata.reachable()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the fake metadata service did not come up');
  }

  /** True when a TCP connection from this process to it succeeds. */
  static reachable(): Promise<boolean> {
    return canConnect(FakeMetadata.ADDRESS, 80, 2000);
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
    quiet('route', 'del', `${FakeMetadata.ADDRESS}/32`, 'dev', this.hostIf);
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
