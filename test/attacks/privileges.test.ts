import { dockerClient } from '@job-runner/sandbox';
import { describeDocker, underGvisor } from '../helpers/docker';
import { Client } from '../helpers/client';
import {
  POOL_MODES,
  expectHardened,
  expectNextJobSucceeds,
  expectNoContainerLeft,
  jobContainers,
} from '../helpers/attack';
import { PlantedSecrets } from '../helpers/planted-secrets';
import { startTestServer, type TestServer } from '../helpers/test-server';

/** Privilege and isolation attacks: the program gains nothing, and the next job runs. */
describeDocker.each(POOL_MODES)('attacks on privileges (%s)', (_mode, poolEnv) => {
  let server: TestServer;
  let client: Client;
  const secrets = new PlantedSecrets();
  beforeAll(async () => {
    secrets.plant(process.env.TEST_REDIS_URL!);
    server = await startTestServer({ ...poolEnv, ...secrets.config, TMP_SIZE_MB: '16' });
    client = new Client(server.url, secrets.apiKey);
  });
  afterAll(async () => {
    await server.close();
    secrets.restore();
  });

  afterEach(async () => {
    await expectNextJobSucceeds(client);
  });

  it('reading the environment finds no platform variable', async () => {
    const { logs } = await client.run(
      [
        'import os, json',
        'print(json.dumps(dict(os.environ)))',
        'for p in os.listdir("/proc"):',
        '    if p.isdigit():',
        '        try:',
        '            print(p, open(f"/proc/{p}/environ", "rb").read())',
        '        except OSError as e:',
        '            print(p, "environ refused", type(e).__name__)',
      ].join('\n'),
    );
    for (const planted of secrets.forbidden(server.redisUrl))
      expect([planted, logs.includes(planted)]).toEqual([planted, false]);
    if (underGvisor()) {
      // gVisor's /proc lets the sandbox user read root's PID 1 environment: it holds the
      // image's own variables and nothing of the platform or the job (none is ever given to it).
      const pid1 = /^1 (.*)$/m.exec(logs)?.[1] ?? '';
      expect(pid1).toMatch(/^b'.*PATH=/);
      expect(pid1).not.toMatch(/JOB_|REDIS|ADMIN|API_KEY/);
    }
    // PID 1 (root) keeps its environment to itself.
    else expect(logs).toMatch(/^1 environ refused PermissionError$/m);
  });

  it('/proc/self/status shows no capabilities, NoNewPrivs and seccomp filtering', async () => {
    const { logs } = await client.run(
      [
        'import ctypes',
        'print(open("/proc/self/status").read())',
        'try:',
        '    print("pid1_seccomp:", [l.split()[1] for l in open("/proc/1/status") if l.startswith("Seccomp")][0])',
        'except OSError as e:',
        '    print("pid1_seccomp: refused")',
        // PR_GET_NO_NEW_PRIVS, asked of the kernel the program runs on.
        'print("prctl_nnp:", ctypes.CDLL(None).prctl(39, 0, 0, 0, 0))',
      ].join('\n'),
    );
    const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(logs)?.[1];
    // gVisor's /proc shows no ambient set and no NoNewPrivs line; prctl answers for both.
    const caps = ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', ...(underGvisor() ? [] : ['CapAmb'])];
    for (const cap of caps) expect([cap, field(cap)]).toEqual([cap, '0000000000000000']);
    if (!underGvisor()) expect(field('NoNewPrivs')).toBe('1');
    expect(field('prctl_nnp')).toBe('1');
    if (underGvisor()) {
      // runsc applies Docker's profile (--oci-seccomp) to the container's own process, root's
      // unpack of the job's files, but not to an exec'd one, the program: its system calls go
      // to gVisor's kernel, never to the host's (gVisor runs under a seccomp filter of its own).
      expect(field('pid1_seccomp')).toBe('2');
      expect(field('Seccomp')).toBe('0');
    } else expect(field('Seccomp')).toBe('2');
    expect(field('Uid')).toBe('10001');
  });

  it('writes outside /tmp and the output directory are refused; /dev/shm is small', async () => {
    const code = `
import os
for d in ["/", "/etc", "/usr", "/bin", "/var", "/var/tmp", "/run", "/workspace", "/workspace/code", "/workspace/input", "/proc/sys/kernel", "/sys/fs/cgroup", "/tmp", os.environ["JOB_OUTPUT_DIR"]]:
    try:
        with open(os.path.join(d, "probe.txt"), "w") as f:
            f.write("x")
        print(d, "written")
    except OSError:
        print(d, "refused")
st = os.statvfs("/dev/shm")
print("shm", st.f_blocks * st.f_frsize)
`;
    const { logs } = await client.run(code);
    const lines = Object.fromEntries(
      logs
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    expect(lines['/tmp']).toBe('written');
    expect(lines['/workspace/output']).toBe('written');
    for (const d of Object.keys(lines).filter(
      (d) => d.startsWith('/') && d !== '/tmp' && d !== '/workspace/output',
    ))
      expect([d, lines[d]]).toEqual([d, 'refused']);
    expect(Number(lines.shm)).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('a setuid attempt gains nothing', async () => {
    const code = `
import os, subprocess
for name, fn in [("setuid", lambda: os.setuid(0)), ("setgid", lambda: os.setgid(0)), ("setresuid", lambda: os.setresuid(0, 0, 0))]:
    try:
        fn()
        print(name, "WORKED")
    except PermissionError:
        print(name, "refused")
# setuid-root binaries of the image run without their bit (no-new-privileges)
r = subprocess.run(["mount", "-t", "tmpfs", "none", "/tmp"], capture_output=True, text=True)
print("mount", r.returncode)
r = subprocess.run(["su", "-c", "id -u", "root"], stdin=subprocess.DEVNULL, capture_output=True, text=True)
print("su", r.returncode, r.stdout.strip() or "-")
print("uid", os.getuid(), os.geteuid())
`;
    const { logs } = await client.run(code);
    expect(logs).toContain('setuid refused');
    expect(logs).toContain('setgid refused');
    expect(logs).toContain('setresuid refused');
    expect(logs).not.toContain('WORKED');
    expect(logs).toMatch(/^mount [1-9]\d*$/m);
    expect(logs).toMatch(/^su [1-9]\d* -$/m);
    expect(logs).toContain('uid 10001 10001');
  });

  it('the container carries every hardening setting, and is gone after the run', async () => {
    // The run is ended by a cancel once inspected; its timeout only backs that up.
    const id = await client.submit({
      code: 'import time\nprint("up", flush=True)\ntime.sleep(600)',
      spec: { timeout_sec: 300, cpu_limit: 0.5, mem_limit_mb: 96, pids_limit: 50 },
    });
    await client.waitStatus(id, 'running', 60_000);
    const docker = dockerClient();
    let ids: string[] = [];
    for (let i = 0; i < 300 && ids.length === 0; i++) {
      ids = await jobContainers(id);
      if (!ids.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids).toHaveLength(1);
    const info = await docker.getContainer(ids[0]).inspect();
    expect(info.Name).toContain(id);
    // Made for the job, or taken from the pool (its labels are those it was made with).
    expect(['job', 'pool']).toContain(info.Config.Labels['job-runner.sandbox']);
    expect(info.Config.Labels['job-runner.worker-id']).toBe(server.worker!.id);
    expectHardened(info, { memoryMb: 96, cpus: 0.5, pids: 50 });

    expect((await client.post(`/jobs/${id}/cancel`, {})).status).toBe(200);
    expect(await client.waitEnded(id, 120_000)).toMatchObject({ status: 'canceled' });
    await expectNoContainerLeft(id);
  });
});
