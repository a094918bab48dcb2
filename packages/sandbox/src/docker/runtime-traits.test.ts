import { hostPidsLimit, RUNC_TRAITS, runtimeTraits, servesWithoutUpdate } from './runtime-traits';

const limits = { timeoutSec: 10, cpus: 1, memoryMb: 256, pids: 64 };

describe('runtimeTraits', () => {
  it('knows gVisor by its binary, whatever name it is registered under', () => {
    expect(runtimeTraits('runsc', {}).gvisor).toBe(true);
    expect(runtimeTraits('gvisor', { path: '/usr/local/bin/runsc' }).gvisor).toBe(true);
    expect(runtimeTraits('kata', { path: '/usr/bin/kata-runtime' })).toEqual({
      name: 'kata',
      gvisor: false,
      noOutbound: null,
      seccomp: true,
    });
  });

  it("says whether Docker's seccomp profile reaches a gVisor program (--oci-seccomp)", () => {
    expect(runtimeTraits('runsc', { runtimeArgs: ['--oci-seccomp'] }).seccomp).toBe(true);
    expect(runtimeTraits('runsc', { runtimeArgs: ['-oci-seccomp=true'] }).seccomp).toBe(true);
    expect(runtimeTraits('runsc', { runtimeArgs: ['--oci-seccomp=false'] }).seccomp).toBe(false);
    expect(runtimeTraits('runsc', { runtimeArgs: ['--network=none'] }).seccomp).toBe(false);
  });

  it('refuses outbound where gVisor has no network or shares the host one, in either spelling', () => {
    const none = runtimeTraits('runsc', { runtimeArgs: ['--platform=ptrace', '--network=none'] });
    expect(none.noOutbound).toMatch(/registered with --network=none/);
    expect(runtimeTraits('runsc', { runtimeArgs: ['--network', 'host'] }).noOutbound).toMatch(
      /--network=host.*egress firewall/,
    );
    // The last one given wins, as for runsc itself.
    expect(
      runtimeTraits('runsc', { runtimeArgs: ['--network=none', '--network=sandbox'] }).noOutbound,
    ).toBeNull();
    expect(runtimeTraits('runsc', { runtimeArgs: ['--platform=ptrace'] }).noOutbound).toBeNull();
  });
});

describe('hostPidsLimit', () => {
  it("is the program's own limit under runc and a larger backstop under gVisor", () => {
    expect(hostPidsLimit(64, RUNC_TRAITS)).toBe(64);
    expect(hostPidsLimit(16, runtimeTraits('runsc', {}))).toBeGreaterThan(40 + 5 * 16);
    // Capped: a few gVisor sandboxes cannot take the host's PIDs.
    expect(hostPidsLimit(1024, runtimeTraits('runsc', {}))).toBeLessThanOrEqual(8192);
  });
});

describe('servesWithoutUpdate', () => {
  const runsc = runtimeTraits('runsc', {});
  it('lets runc change any limit on a running sandbox', () => {
    expect(servesWithoutUpdate(limits, { ...limits, memoryMb: 512 }, RUNC_TRAITS)).toBe(true);
  });

  it('under gVisor takes the same memory and CPU, and a PID limit no higher', () => {
    expect(servesWithoutUpdate(limits, { ...limits, pids: 32, timeoutSec: 3 }, runsc)).toBe(true);
    expect(servesWithoutUpdate(limits, { ...limits, pids: 65 }, runsc)).toBe(false);
    expect(servesWithoutUpdate(limits, { ...limits, memoryMb: 128 }, runsc)).toBe(false);
    expect(servesWithoutUpdate(limits, { ...limits, cpus: 0.5 }, runsc)).toBe(false);
  });
});
