import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DockerFrames } from '../docker/docker-frames';
import { engineRuntimeTraits } from '../docker/engine-runtime';
import { platformError } from '../docker/platform-error';
import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';
import { parseProbeOutput } from './parse-probe-output';
import { probeOptions, type ProbeOptionsInput } from './probe-options';
import type { RuntimeFacts } from './runtime-facts';

/** More output than a probe's report ever is: the rest is not read. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface ProbeImageOptions extends Omit<ProbeOptionsInput, 'imageId' | 'runtime'> {
  /** OCI runtime of the sandboxes by name (e.g. runsc); the engine says what it is. */
  runtime?: string;
  /** The whole probe, container made to report read; past it the container is killed. */
  timeoutMs: number;
}

/**
 * Runs the probe once in a throw-away sandbox of `imageId` and returns what it reported. Throws
 * SandboxPlatformError: ENGINE_UNREACHABLE, IMAGE_MISSING, ENGINE_FAILED (the engine refused),
 * or PROBE_FAILED (no report in time, or none at all: no python3, a broken interpreter).
 */
export async function probeImage(
  docker: Docker,
  image: string,
  imageId: string,
  opts: ProbeImageOptions,
): Promise<RuntimeFacts> {
  const runtime = await engineRuntimeTraits(docker, opts.runtime);
  const options = probeOptions({ ...opts, imageId, runtime });
  let container: Docker.Container;
  try {
    container = await docker.createContainer(options);
  } catch (err) {
    throw platformError(`create a probe of ${image}`, err, image);
  }
  const out: Buffer[] = [];
  let outBytes = 0;
  let err = '';
  let timer: NodeJS.Timeout | undefined;
  try {
    // Attached, and waited for, before it starts: not a byte or the exit is missed, even though
    // the engine removes it the moment it exits.
    const stream = (await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as unknown as Readable;
    const exited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode?: number }>;
    exited.catch(() => undefined); // awaited below; not unhandled meanwhile
    const read = pipeline(
      stream,
      new DockerFrames((name, chunk) => {
        if (name === 'stderr') {
          if (err.length < 2000) err += chunk.toString('utf8');
        } else if (outBytes < MAX_OUTPUT_BYTES) {
          out.push(chunk);
          outBytes += chunk.length;
        }
      }),
    );
    read.catch(() => undefined);
    await container.start();
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), opts.timeoutMs);
    });
    const ended = await Promise.race([Promise.all([read, exited]), deadline]);
    if (ended === 'late') {
      stream.destroy();
      throw new SandboxPlatformError(
        SandboxErrorCode.ProbeFailed,
        `the probe of ${image} did not finish within ${opts.timeoutMs / 1000} s`,
      );
    }
    const [, exit] = ended;
    const facts = parseProbeOutput(Buffer.concat(out).toString('utf8'));
    if (!facts) {
      const said = err.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
      throw new SandboxPlatformError(
        SandboxErrorCode.ProbeFailed,
        `the probe of ${image} reported nothing usable (python3 exited with ${exit.StatusCode ?? 'an unknown status'}${said ? `: ${said}` : ''})`,
      );
    }
    return { ...facts, imageId, probedAt: new Date() };
  } catch (e) {
    throw platformError(`probe ${image}`, e, image);
  } finally {
    clearTimeout(timer);
    // Gone already (the engine removes it at exit) is the usual case.
    await container.remove({ force: true }).catch(() => undefined);
  }
}
