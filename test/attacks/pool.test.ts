import { execFileSync } from 'node:child_process';
import { dockerClient, SANDBOX_LABEL } from '@job-runner/sandbox';
import { WORKER_LABEL } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { expectHardened, expectNextJobSucceeds } from '../helpers/attack';
import { PlantedSecrets } from '../helpers/planted-secrets';
import { startTestServer, type TestServer } from '../helpers/test-server';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/**
 * Sandboxes made ahead of time must give an attacker nothing: a waiting one is as hardened as
 * one made for a job and holds no job data and no platform value; a job sees nothing of the
 * job before it, and cannot reach the sandboxes waiting beside its own.
 */
describeDocker('attacks through the sandbox pool', () => {
  let server: TestServer;
  let client: Client;
  const secrets = new PlantedSecrets();
  beforeAll(async () => {
    secrets.plant(process.env.TEST_REDIS_URL!);
    server = await startTestServer({
      ...secrets.config,
      WORKER_CONCURRENCY: '1',
      SANDBOX_POOL_SIZE: '2',
    });
    client = new Client(server.url, secrets.apiKey);
  });
  afterAll(async () => {
    await server.close();
    secrets.restore();
  });
  afterEach(async () => {
    await expectNextJobSucceeds(client);
  });

  const pooled = async () =>
    (
      await dockerClient().listContainers({
        all: true,
        filters: {
          label: [`${SANDBOX_LABEL}=pool`, `${WORKER_LABEL}=${server.worker!.id}`],
          status: ['running'],
        },
      })
    ).map((c) => c.Id);
  // Running on the engine, and ready in the pool's own eyes (its supervisor waiting): a busy
  // machine can show the container running a while before a job could take it.
  const full = () =>
    eventually(
      'the pool is full',
      async () => (await pooled()).length === 2 && server.worker!.runner.poolStats?.()?.ready === 2,
    );

  it('a sandbox waiting in the pool is as hardened as one made for a job, and holds nothing', async () => {
    await full();
    const docker = dockerClient();
    const imageEnv = (await docker.getImage(IMAGE).inspect()).Config.Env ?? [];
    for (const id of await pooled()) {
      const info = await docker.getContainer(id).inspect();
      expectHardened(info, { memoryMb: 512, cpus: 1, pids: 128 });
      expect(info.Name).toMatch(/^\/jr-pool-/);
      // No platform value and no job: the image's own environment, empty workspace and /tmp.
      expect(info.Config.Env ?? []).toEqual(imageEnv);
      for (const planted of secrets.forbidden(server.redisUrl))
        expect(JSON.stringify(info)).not.toContain(planted);
      const listing = execFileSync(
        'docker',
        [
          'exec',
          // The sandbox user, who owns the output directory (root has no capability to read it).
          '-u',
          '10001:10001',
          id,
          'python3',
          '-c',
          // Not ls: under gVisor its statx flags are refused (EINVAL).
          'import os\nfor d in ["/workspace/code", "/workspace/input", "/workspace/output", "/tmp", "/dev/shm"]:\n    print(d, sorted(os.listdir(d)))',
        ],
        { encoding: 'utf8' },
      );
      expect(listing.trim().split('\n')).toEqual(
        ['/workspace/code', '/workspace/input', '/workspace/output', '/tmp', '/dev/shm'].map(
          (d) => `${d} []`,
        ),
      );
    }
  });

  it('a job asking for less memory than the pool gives is held to its own limit', async () => {
    await full();
    // The pool's sandboxes have 512 MB; this job asked for 64 and tries to take 200.
    const { job } = await client.run(
      'x = [bytearray(8 * 1024 * 1024) for _ in range(25)]\nprint("got", len(x))',
      { mem_limit_mb: 64, timeout_sec: 60 },
    );
    expect(job).toMatchObject({ status: 'failed', error: 'oom' });
  });

  it('a job sees nothing of the job before it: no files, no processes', async () => {
    await full();
    const first = await client.run(
      [
        'import os, subprocess',
        'for d in ["/tmp", "/dev/shm", os.environ["JOB_OUTPUT_DIR"]]:',
        '    open(os.path.join(d, "left-by-first"), "w").write("first")',
        // A daemon that would outlive the job if it could.
        'subprocess.Popen(["sleep", "600"], start_new_session=True)',
        'print("planted")',
      ].join('\n'),
    );
    expect(first.job).toMatchObject({ status: 'succeeded', sandbox: 'warm' });
    await full();
    const second = await client.run(
      [
        'import os',
        'found = []',
        'for d in ["/tmp", "/dev/shm", "/workspace/code", "/workspace/input", os.environ["JOB_OUTPUT_DIR"]]:',
        '    found += [os.path.join(d, f) for f in os.listdir(d)]',
        'procs = []',
        'for p in os.listdir("/proc"):',
        '    if p.isdigit():',
        '        try: procs.append(open(f"/proc/{p}/cmdline").read().replace("\\0", " ").strip())',
        '        except OSError: pass',
        'print("files", sorted(found))',
        'print("sleepers", [c for c in procs if c.startswith("sleep 600")])',
      ].join('\n'),
    );
    expect(second.job).toMatchObject({ status: 'succeeded', sandbox: 'warm' });
    expect(second.logs).toContain("files ['/workspace/code/main.py']");
    expect(second.logs).toContain('sleepers []');
  });

  it('a job cannot reach the sandboxes waiting in the pool, even signalling everything it may', async () => {
    await full();
    const before = await pooled();
    const { job, logs } = await client.run(
      [
        'import os, signal, time',
        'seen = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())',
        'print("pids", len(seen))',
        // Under gVisor the output goes through the supervisor: give it time to pass it on.
        'time.sleep(0.5)',
        'try:',
        '    os.kill(-1, signal.SIGKILL)',
        'except OSError as e:',
        '    print("kill", e.errno)',
      ].join('\n'),
    );
    // Its own supervisor went with the kill; the job is over, its exit its own doing.
    expect(job.status).toBe('failed');
    // Its PID namespace holds its own sandbox only: init, the idle PID 1's, itself.
    expect(Number(/pids (\d+)/.exec(logs)?.[1])).toBeLessThan(8);
    // The job took one of the two waiting sandboxes; the other is untouched, still running.
    expect(before).toHaveLength(2);
    // The taken one goes after its job, off the job's path (a moment later under load); the
    // other must still be there then.
    await eventually('the taken sandbox removed', async () => {
      const after = await pooled();
      return before.filter((id) => after.includes(id)).length <= 1;
    });
    const after = await pooled();
    expect(before.filter((id) => after.includes(id))).toHaveLength(1);
  });
});
