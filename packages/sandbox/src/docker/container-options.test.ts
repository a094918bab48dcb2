import { containerOptions, limitsUpdate, type ContainerOptionsInput } from './container-options';
import { runtimeTraits } from './runtime-traits';

const base: ContainerOptionsInput = {
  image: 'img',
  limits: { timeoutSec: 10, cpus: 0.5, memoryMb: 256, pids: 64 },
  netPolicy: 'none',
  filesBytes: 1024,
  outputBytes: 4096,
  tmpBytes: 2048,
  labels: { 'job-runner.job-id': 'j1', 'job-runner.worker-id': 'w1' },
};

describe('containerOptions', () => {
  it('applies every hardening setting', () => {
    const o = containerOptions(base);
    expect(o.Labels).toEqual(base.labels);
    expect(o.HostConfig).toMatchObject({
      Privileged: false,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Memory: 256 * 1024 * 1024,
      MemorySwap: 256 * 1024 * 1024,
      NanoCpus: 500_000_000,
      PidsLimit: 64,
      Ulimits: [
        { Name: 'nofile', Soft: 1024, Hard: 1024 },
        { Name: 'fsize', Soft: 4096, Hard: 4096 },
        { Name: 'core', Soft: 0, Hard: 0 },
      ],
      IpcMode: 'private',
      Init: true,
      NetworkMode: 'none',
      AutoRemove: false,
      LogConfig: { Type: 'none' },
      ShmSize: 2048,
    });
    expect(o.HostConfig?.Tmpfs?.['/tmp']).toBe('rw,noexec,nosuid,nodev,size=2048');
    expect(o.HostConfig?.Tmpfs?.['/workspace/output']).toMatch(/size=4096,.*uid=10001/);
    expect(o.HostConfig).not.toHaveProperty('Runtime');
    expect(o.HostConfig).not.toHaveProperty('Binds');
    expect(o.HostConfig).not.toHaveProperty('CapAdd');
  });

  it("gives PID 1 a stdin that closes after the job's files, and idles without a shell", () => {
    const o = containerOptions(base);
    expect(o).toMatchObject({ OpenStdin: true, StdinOnce: true, AttachStdin: true, Tty: false });
    // Root without capabilities unpacks into /workspace, then `exec` leaves only sleep running.
    expect(o.User).toBe('0:0');
    expect(o.Cmd?.join(' ')).toMatch(/tar -x .*-C \/workspace -f -.*exec sleep infinity$/);
  });

  it('passes the configured OCI runtime through', () => {
    const runtime = runtimeTraits('gvisor', { path: '/usr/bin/runsc' });
    expect(containerOptions({ ...base, runtime }).HostConfig?.Runtime).toBe('gvisor');
    const other = runtimeTraits('kata', { path: '/usr/bin/kata-runtime' });
    expect(containerOptions({ ...base, runtime: other }).HostConfig?.Runtime).toBe('kata');
  });

  it("keeps the host's PID limit as the program's under runc, a backstop for gVisor's own tasks under runsc", () => {
    expect(containerOptions(base).HostConfig?.PidsLimit).toBe(base.limits.pids);
    const runsc = runtimeTraits('runsc', { path: '/usr/bin/runsc' });
    const pids = containerOptions({ ...base, runtime: runsc }).HostConfig?.PidsLimit ?? 0;
    // gVisor needs some 40 host tasks at rest and about 5 per sandbox process.
    expect(pids).toBeGreaterThanOrEqual(40 + 5 * base.limits.pids);
    expect(limitsUpdate(base.limits, runsc).PidsLimit).toBe(pids);
  });

  it("puts outbound sandboxes on the platform's network without IPv6", () => {
    const o = containerOptions({ ...base, netPolicy: 'outbound', outboundNetwork: 'jr-out' });
    expect(o.HostConfig?.NetworkMode).toBe('jr-out');
    expect(o.HostConfig?.Sysctls).toEqual({ 'net.ipv6.conf.all.disable_ipv6': '1' });
  });

  it("never falls back to Docker's default bridge", () => {
    expect(() => containerOptions({ ...base, netPolicy: 'outbound' })).toThrow(/firewalled/);
  });
});
