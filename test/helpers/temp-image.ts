import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/**
 * Another name for the sandbox image, made for one test and removed after it: a runtime whose
 * image can be taken away while the platform runs (`remove()`).
 */
export class TempImage {
  readonly name = `job-runner-exec:test-${randomUUID().slice(0, 8)}`;

  constructor() {
    execFileSync('docker', ['tag', IMAGE, this.name]);
  }

  remove(): void {
    execFileSync('docker', ['rmi', this.name], { stdio: 'ignore' });
  }

  /** Removes it if it is still there (for afterAll). */
  dispose(): void {
    try {
      this.remove();
    } catch {
      /* gone already */
    }
  }
}
