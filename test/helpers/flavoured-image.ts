import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/**
 * A second runtime image made from the sandbox image in a second or two, with no network: the
 * same Python, plus what tells it apart. `RUNTIME_FLAVOUR` in its environment, a marker file
 * (/etc/job-runner-flavour), and a tiny package on PYTHONPATH (`flavour_marker` 1.2.3, with
 * its metadata, so importlib.metadata lists it), which a probe must find and the first image
 * does not have. Removed with `dispose()`.
 */
export class FlavouredImage {
  readonly name: string;
  /** The id it was built as (its tag may be moved to another image later). */
  readonly id: string;
  static readonly PACKAGE = { name: 'flavour-marker', version: '1.2.3' };

  constructor(readonly flavour: string) {
    this.name = `job-runner-exec:test-${flavour}-${randomUUID().slice(0, 8)}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-flavour-'));
    try {
      const info = path.join(dir, 'flavour_marker-1.2.3.dist-info');
      fs.mkdirSync(info);
      fs.writeFileSync(
        path.join(info, 'METADATA'),
        'Metadata-Version: 2.1\nName: flavour-marker\nVersion: 1.2.3\n',
      );
      fs.writeFileSync(
        path.join(dir, 'flavour_marker.py'),
        `FLAVOUR = ${JSON.stringify(flavour)}\n`,
      );
      fs.writeFileSync(path.join(dir, 'job-runner-flavour'), `${flavour}\n`);
      fs.writeFileSync(
        path.join(dir, 'Dockerfile'),
        [
          `FROM ${IMAGE}`,
          `ENV RUNTIME_FLAVOUR=${flavour} PYTHONPATH=/opt/flavour`,
          'COPY flavour_marker.py /opt/flavour/',
          'COPY flavour_marker-1.2.3.dist-info /opt/flavour/flavour_marker-1.2.3.dist-info/',
          'COPY job-runner-flavour /etc/job-runner-flavour',
          '',
        ].join('\n'),
      );
      // The classic builder, as the platform's own scripts: it never asks a registry about a
      // local base.
      execFileSync('docker', ['build', '-q', '--force-rm', '-t', this.name, dir], {
        env: { ...process.env, DOCKER_BUILDKIT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.id = execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', this.name], {
        encoding: 'utf8',
      }).trim();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Points the tag at another image (as a rebuild under the same name would). */
  retag(image: string): void {
    execFileSync('docker', ['tag', image, this.name]);
  }

  /** Removes the tag and the image it was built as; gone already is fine. */
  dispose(): void {
    for (const ref of [this.name, this.id])
      try {
        execFileSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' });
      } catch {
        /* gone already */
      }
  }
}
