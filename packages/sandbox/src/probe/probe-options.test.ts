import { containerOptions } from '../docker/container-options';
import { runtimeTraits } from '../docker/runtime-traits';
import { probeOptions } from './probe-options';

const runsc = runtimeTraits('runsc', { path: '/usr/bin/runsc' });

const limits = { timeoutSec: 60, cpus: 1, memoryMb: 512, pids: 128 };

describe('probeOptions', () => {
  const probe = probeOptions({ imageId: 'sha256:abc', limits, runtime: runsc });
  const job = containerOptions({
    image: 'img',
    limits,
    netPolicy: 'none',
    filesBytes: 1024 * 1024,
    outputBytes: 1024 * 1024,
    tmpBytes: 16 * 1024 * 1024,
    labels: {},
    runtime: runsc,
  });

  it("is a job's sandbox: the same hardening, limits and OCI runtime", () => {
    const { AutoRemove, ...host } = probe.HostConfig!;
    const { AutoRemove: jobAutoRemove, ...jobHost } = job.HostConfig!;
    expect(host).toEqual(jobHost);
    // Removed by the engine at exit: a probe whose caller died leaves nothing.
    expect([AutoRemove, jobAutoRemove]).toEqual([true, false]);
    expect(host).toMatchObject({
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      NetworkMode: 'none',
      Runtime: 'runsc',
      Memory: 512 * 1024 * 1024,
    });
    expect(probe.NetworkDisabled).toBe(true);
    expect(probe.Env).toEqual([]);
  });

  it('runs the image, by id, as the sandbox user, with no stdin', () => {
    expect(probe.Image).toBe('sha256:abc');
    expect(probe.User).toBe('10001:10001');
    expect(probe.Cmd?.slice(0, 2)).toEqual(['python3', '-c']);
    expect(probe).toMatchObject({ OpenStdin: false, AttachStdin: false, Tty: false });
    expect(probe.Labels).toEqual({ 'job-runner.sandbox': 'probe' });
    expect(probe.name).toMatch(/^jr-probe-[0-9a-f]{16}$/);
  });
});
