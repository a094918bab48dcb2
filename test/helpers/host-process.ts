import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppProcess } from './worker-process';

/** One process of the platform with a disk of its own, as if on a host of its own. */
export class HostProcess extends AppProcess {
  readonly disk: string;
  /** `disk`: that of an earlier process (a restart on the same host); default: a new one. */
  constructor(app: 'api' | 'worker', env: Record<string, string>, disk?: string) {
    disk ??= fs.mkdtempSync(path.join(os.tmpdir(), `jr-host-${app}-`));
    super(app, { ...env, JOB_DATA_DIR: path.join(disk, 'data') }, disk);
    this.disk = disk;
  }

  /** The API's address, once it listens. */
  async url(): Promise<string> {
    await this.waitFor('listening on');
    return /\((http:\/\/127\.0\.0\.1:\d+)\)/.exec(this.output)![1];
  }

  get workerId(): string {
    return /"workerId":"([^"]+)"/.exec(this.output)![1];
  }

  /** Files left on this process's own disk (staging, working copies, job directories). */
  leftovers(): string[] {
    const data = path.join(this.disk, 'data');
    return ['jobs', 'staging', 'scratch'].flatMap((d) =>
      fs.existsSync(path.join(data, d))
        ? (fs.readdirSync(path.join(data, d), { recursive: true }) as string[])
            .filter((f) => fs.statSync(path.join(data, d, f)).isFile())
            .map((f) => `${d}/${f}`)
        : [],
    );
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.kill('SIGTERM');
      await this.exited;
    }
    fs.rmSync(this.disk, { recursive: true, force: true });
  }
}
