import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';
import type { RunRequest } from '../run-request';
import { canceledResult, type ArtifactInfo, type RunResult, type RunVerdict } from '../run-result';
import type { SandboxCheck, SandboxRunner } from '../sandbox-runner';
import { sandboxEnv } from '../sandbox-env';
import { now } from '../timer';

export interface LocalRunnerOptions {
  python?: string;
  maxArtifacts?: number;
  maxArtifactBytes?: number;
}

/**
 * USE_DOCKER=0: runs the program as a plain child process, for development on machines without
 * Docker. Same directories and environment contract, NO isolation whatsoever.
 */
export class LocalRunner implements SandboxRunner {
  readonly kind = 'local' as const;
  constructor(private readonly opts: LocalRunnerOptions = {}) {}

  async check(): Promise<SandboxCheck[]> {
    const python = this.opts.python ?? 'python3';
    return new Promise((resolve) => {
      const p = spawn(python, ['--version'], { stdio: 'ignore' });
      p.on('error', (err) =>
        resolve([{ name: 'python', ok: false, detail: `${python} not found: ${err.message}` }]),
      );
      p.on('exit', () => resolve([{ name: 'python', ok: true }]));
    });
  }

  async run(req: RunRequest): Promise<RunResult> {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      PYTHONUNBUFFERED: '1',
      ...sandboxEnv(req.jobId, { input: req.inputDir, output: req.outputDir }, req.env),
    };
    if (req.signal?.aborted) return canceledResult();
    const started = now();
    req.onPhase?.('running');
    const child = spawn(
      this.opts.python ?? 'python3',
      [path.join(req.codeDir, req.entry), ...req.args],
      {
        cwd: req.codeDir,
        env,
        detached: true, // its own process group, so a timeout kills what it spawned too
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let verdict: RunVerdict | null = null;
    const stop = (why: RunVerdict) => {
      if (verdict) return;
      verdict = why;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => stop('timeout'), req.limits.timeoutSec * 1000);
    const onAbort = () => stop('canceled');
    req.signal?.addEventListener('abort', onAbort);
    child.stdout.on('data', (c: Buffer) => req.onOutput(c, 'stdout'));
    child.stderr.on('data', (c: Buffer) => req.onOutput(c, 'stderr'));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', (err) =>
        reject(
          new SandboxPlatformError(
            SandboxErrorCode.EngineFailed,
            `cannot start python: ${err.message}`,
          ),
        ),
      );
      child.on('close', (code) => resolve(code));
    }).finally(() => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    });
    const durationMs = now() - started;
    const final: RunVerdict = verdict ?? (exitCode === 0 ? 'succeeded' : 'non-zero exit');
    req.onPhase?.('collecting');
    const artifacts = await this.listArtifacts(req);
    return {
      verdict: final,
      exitCode: verdict ? null : exitCode,
      durationMs,
      peakMemoryBytes: null,
      cpuTimeMs: null,
      artifacts,
    };
  }

  /** Keeps regular files within the caps; removes everything else so it is never served. */
  private async listArtifacts(req: RunRequest): Promise<ArtifactInfo[]> {
    const maxFiles = this.opts.maxArtifacts ?? 100;
    const maxBytes = this.opts.maxArtifactBytes ?? 100 * 1024 * 1024;
    const out: ArtifactInfo[] = [];
    let total = 0;
    const walk = async (dir: string, prefix: string): Promise<void> => {
      for (const entry of (await fs.promises.readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        const full = path.join(dir, entry.name);
        const name = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          await walk(full, name);
          continue;
        }
        const st = await fs.promises.lstat(full);
        const why = !st.isFile()
          ? 'only regular files are kept'
          : out.length >= maxFiles
            ? `more than ${maxFiles} files`
            : total + st.size > maxBytes
              ? `artifacts over ${maxBytes} bytes in all`
              : null;
        if (why) {
          req.onNotice?.(`artifact skipped: ${name} (${why})`);
          await fs.promises.rm(full, { force: true });
          continue;
        }
        total += st.size;
        out.push({ name, size: st.size });
      }
    };
    await walk(req.outputDir, '');
    return out;
  }
}
