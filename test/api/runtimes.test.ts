import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  dockerClient,
  RuntimeProbe,
  SandboxErrorCode,
  SandboxPlatformError,
} from '@job-runner/sandbox';
import { describeDocker } from '../helpers/docker';
import { TempImage } from '../helpers/temp-image';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

interface Runtime {
  name: string;
  image: string;
  default: boolean;
  available: boolean;
  error: { code: string; detail: string } | null;
  image_id: string | null;
  language: string | null;
  version: string | null;
  build: string | null;
  packages: { name: string; version: string }[] | null;
  probed_at: string | null;
  limits: Record<string, unknown>;
}

/** What the image's own python3 says, asked outside the platform: the probe must agree. */
function fromTheImage(): { python: string; pandas: string } {
  const [python, pandas] = execFileSync(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'none',
      IMAGE,
      'python3',
      '-c',
      'import platform, pandas; print(platform.python_version(), pandas.__version__)',
    ],
    { encoding: 'utf8' },
  )
    .trim()
    .split(' ');
  return { python: python, pandas: pandas };
}

describeDocker('GET /runtimes', () => {
  let server: TestServer;
  let temp: TempImage;
  const ghost = `job-runner-exec:no-such-${randomUUID().slice(0, 8)}`;
  const list = async () => {
    const res = await fetch(`${server.url}/runtimes`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { runtimes: Runtime[] }).runtimes;
  };
  const byName = (all: Runtime[], name: string) => all.find((r) => r.name === name)!;

  beforeAll(async () => {
    temp = new TempImage();
    // No worker here: the API probes through its own engine connection (and a worker would
    // refuse to start with a runtime image missing).
    server = await startTestServer({
      INLINE_WORKER: '0',
      RUNTIMES: `temp=${temp.name},ghost=${ghost}`,
      MAX_CPU_LIMIT: '1.5',
    });
  });
  afterAll(async () => {
    await server.close();
    temp.dispose();
  });

  it('lists every runtime, the default first, with version and packages probed from its image', async () => {
    const all = await list();
    expect(all.map((r) => r.name)).toEqual(['python', 'ghost', 'temp']);
    const python = byName(all, 'python');
    const truth = fromTheImage();
    expect(python).toMatchObject({
      image: IMAGE,
      default: true,
      available: true,
      error: null,
      language: 'python',
      version: truth.python,
    });
    expect(python.image_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(python.build).toContain(truth.python);
    expect(python.packages).toContainEqual({ name: 'pandas', version: truth.pandas });
    const names = python.packages!.map((p) => p.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['numpy', 'matplotlib']));
    // The limits a job gets under this configuration.
    expect(python.limits).toEqual({
      timeout_sec: { default: 60, min: 1, max: 600 },
      cpu_limit: { default: 1, min: 0.01, max: 1.5 },
      mem_limit_mb: { default: 512, min: 33, max: 4096 },
      pids_limit: { default: 128, min: 16, max: 1024 },
      output: {
        max_log_bytes: server.config.output.maxLogBytes,
        max_artifacts: server.config.output.maxArtifacts,
        max_artifact_bytes: server.config.output.maxArtifactBytes,
        tmp_size_mb: server.config.output.tmpSizeMb,
      },
    });

    // A runtime whose image is not there is listed, not an error of the whole list.
    expect(byName(all, 'ghost')).toMatchObject({
      image: ghost,
      default: false,
      available: false,
      error: { code: 'RUNTIME_IMAGE_MISSING', detail: expect.stringContaining(ghost) },
      version: null,
      packages: null,
      limits: python.limits,
    });
    // Another name of the same image: the same image id, so the same probe (cached per id).
    expect(byName(all, 'temp')).toMatchObject({
      available: true,
      image_id: python.image_id,
      version: python.version,
      probed_at: python.probed_at,
    });
  });

  it('answers one runtime: 200, 404 for an unknown name, 503 with the reason for an unavailable one', async () => {
    const python = byName(await list(), 'python');
    const one = await fetch(`${server.url}/runtimes/python`);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual(python);

    const unknown = await fetch(`${server.url}/runtimes/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      code: 'RUNTIME_NOT_FOUND',
      detail: expect.stringContaining('python'),
    });

    const missing = await fetch(`${server.url}/runtimes/ghost`);
    expect(missing.status).toBe(503);
    expect(missing.headers.get('retry-after')).toBeTruthy();
    expect(await missing.json()).toMatchObject({
      code: 'RUNTIME_IMAGE_MISSING',
      detail: expect.stringContaining(ghost),
      runtime: { name: 'ghost', available: false, limits: python.limits },
    });
  });

  it('probes an image once, and says so when it goes without failing the others', async () => {
    const before = await list();
    const again = await list();
    expect(byName(again, 'python').probed_at).toBe(byName(before, 'python').probed_at);

    temp.remove();
    const after = await list();
    expect(byName(after, 'temp')).toMatchObject({
      available: false,
      error: { code: 'RUNTIME_IMAGE_MISSING' },
    });
    expect(byName(after, 'python')).toMatchObject({
      available: true,
      probed_at: byName(before, 'python').probed_at,
    });
  });

  it('leaves no probe container behind', async () => {
    const left = await dockerClient().listContainers({
      all: true,
      filters: { label: [`job-runner.queue=${server.config.queueName}`] },
    });
    expect(left).toEqual([]);
  });
});

describeDocker('RuntimeProbe', () => {
  const limits = { timeoutSec: 10, cpus: 1, memoryMb: 256, pids: 64 };
  const label = `probe-test-${randomUUID().slice(0, 8)}`;

  it('fails with PROBE_FAILED past its timeout, removes its container, and waits before trying again', async () => {
    const docker = dockerClient();
    const probe = new RuntimeProbe(docker, {
      timeoutMs: 1,
      limits,
      labels: { 'job-runner.queue': label },
      retryAfterMs: 60_000,
    });
    const first = await probe.facts(IMAGE).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(SandboxPlatformError);
    expect(first).toMatchObject({
      code: SandboxErrorCode.ProbeFailed,
      message: expect.stringContaining('did not finish within'),
    });
    // Remembered: the same failure, without another container.
    expect(await probe.facts(IMAGE).catch((err: unknown) => err)).toBe(first);
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`job-runner.queue=${label}`] },
    });
    expect(left).toEqual([]);
  });
});

describeDocker('GET /runtimes with API_KEYS', () => {
  let server: TestServer;
  const key = 'runtimes-key-0123456789abcdef';
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0', API_KEYS: key });
  });
  afterAll(() => server.close());

  it('needs a key, as the /jobs routes do (a first ask starts a probe)', async () => {
    for (const path of ['/runtimes', '/runtimes/python'])
      expect((await fetch(server.url + path)).status).toBe(401);
    const res = await fetch(`${server.url}/runtimes`, { headers: { 'x-api-key': key } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { runtimes: Runtime[] }).runtimes[0]).toMatchObject({
      name: 'python',
      available: true,
    });
  });
});

/**
 * The compose layout: the API has no Docker socket, only the workers do. The API answers what a
 * worker probed on its engine and published, and says the runtime is unavailable until one has.
 */
describeDocker('GET /runtimes from an API without an engine', () => {
  let server: TestServer;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    server = await startTestServer({
      INLINE_WORKER: '0',
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
    await server?.close();
  });

  const python = async () =>
    ((await (await fetch(`${server.url}/runtimes`)).json()) as { runtimes: Runtime[] }).runtimes[0];

  it("is unavailable (engine unreachable) until a worker starts, then has the worker's facts", async () => {
    const before = await python();
    expect(before).toMatchObject({ name: 'python', available: false });
    expect(before.error?.code).toBe('RUNTIME_ENGINE_UNREACHABLE');

    worker = await new WorkerProcess(server).ready();
    const after = await eventually('the worker published its probe', async () => {
      const r = await python();
      return r.available ? r : null;
    });
    const expected = fromTheImage();
    expect(after).toMatchObject({ available: true, error: null, version: expected.python });
    expect(after.packages).toContainEqual({ name: 'pandas', version: expected.pandas });
    expect(after.image_id).toMatch(/^sha256:/);
  });
});
