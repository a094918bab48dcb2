import { Client, type JobViewBody } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { sample } from '../helpers/operator';
import { startTestServer, type TestServer } from '../helpers/test-server';

/**
 * Spins until it has used `cpu` seconds of CPU itself, then prints its own measures: wall time
 * and CPU time. Counting its own CPU rather than the clock keeps the test honest on a shared
 * machine: a neighbour that takes the CPU away stretches the wall time, not the work.
 */
const busy = (cpu: number) =>
  `import time\nw = time.monotonic()\nwhile time.process_time() < ${cpu}: pass\n` +
  'print(time.monotonic() - w, time.process_time())';
const SLEEPS =
  'import time\nw = time.monotonic()\ntime.sleep(1.5)\nprint(time.monotonic() - w, time.process_time())';

/** The program's own wall and CPU seconds, as it printed them. */
const own = (logs: string) => {
  const [wall, cpu] = logs.trim().split(' ').map(Number);
  return { wallMs: wall * 1000, cpuMs: cpu * 1000 };
};

/**
 * cpu_time_ms is the sandbox cgroup's count from the program's start to the end of whatever it
 * left, so it matches what the program itself used, whether its sandbox waited in the pool
 * (its start spent earlier) or was made for it.
 */
describeDocker.each([
  ['warm', {}],
  ['cold', { SANDBOX_POOL_SIZE: '0' }],
] as const)('cpu_time_ms of a job in a %s sandbox', (kind, env) => {
  let server: TestServer;
  let client: Client;
  const run = async (code: string, spec: Record<string, unknown> = {}) => {
    if (kind === 'warm')
      await eventually('a ready sandbox', () =>
        Promise.resolve(server.worker!.runner.poolStats!()!.ready),
      );
    const { job, logs } = await client.run(code, spec);
    expect([job.status, job.sandbox]).toEqual(['succeeded', kind]);
    return { job, mine: own(logs) };
  };
  beforeAll(async () => {
    server = await startTestServer({ ...env });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it('counts a busy loop under cpu_limit 1 as about its own CPU time, never past one CPU', async () => {
    const { job, mine } = await run(busy(2), { cpu_limit: 1 });
    const cpu = job.cpu_time_ms as number;
    expect(cpu / mine.cpuMs).toBeGreaterThan(0.9);
    expect(cpu / mine.cpuMs).toBeLessThan(1.2);
    expect(cpu / mine.wallMs).toBeLessThan(1.15);
    expect(job.duration_ms as number).toBeGreaterThanOrEqual(mine.wallMs);
  });

  it('counts a sleeping program far below its duration', async () => {
    const { job, mine } = await run(SLEEPS);
    expect(mine.wallMs).toBeGreaterThanOrEqual(1500);
    expect((job.cpu_time_ms as number) / mine.wallMs).toBeLessThan(0.2);
    // What it used is its interpreter's start (some 0.1 s); the sandbox's own start (runc, the
    // copy-in, the supervisor: about twice that) is not counted, whenever it happened.
    expect((job.cpu_time_ms as number) / mine.cpuMs).toBeGreaterThan(0.9);
    expect((job.cpu_time_ms as number) / mine.cpuMs).toBeLessThan(2);
  });

  if (kind === 'warm')
    it("holds a pooled sandbox to the job's own cpu_limit (0.5)", async () => {
      const { job, mine } = await run(busy(1), { cpu_limit: 0.5 });
      const cpu = job.cpu_time_ms as number;
      expect(cpu / mine.cpuMs).toBeGreaterThan(0.9);
      expect(cpu / mine.wallMs).toBeLessThan(0.65);
    });
});

describeDocker('job_runner_job_cpu_seconds', () => {
  let server: TestServer;
  let client: Client;
  const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
  const count = (t: string, status: string) =>
    sample(t, 'job_runner_job_cpu_seconds_count', { status });
  const sum = (t: string, status: string) =>
    sample(t, 'job_runner_job_cpu_seconds_sum', { status });
  beforeAll(async () => {
    server = await startTestServer();
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it("observes each ended job's cpu_time_ms, by status", async () => {
    const before = await scrape();
    expect(before).toContain('# TYPE job_runner_job_cpu_seconds histogram');
    const jobs: JobViewBody[] = [];
    jobs.push((await client.run(busy(0.3))).job);
    jobs.push((await client.run('print(1)')).job);
    jobs.push((await client.run('raise SystemExit(3)')).job);

    const after = await eventually('the three jobs observed', async () => {
      const t = await scrape();
      return count(t, 'succeeded') - count(before, 'succeeded') === 2 &&
        count(t, 'failed') - count(before, 'failed') === 1
        ? t
        : undefined;
    });
    const seconds = (status: string) =>
      jobs.filter((j) => j.status === status).reduce((s, j) => s + (j.cpu_time_ms as number), 0) /
      1000;
    expect(sum(after, 'succeeded') - sum(before, 'succeeded')).toBeCloseTo(seconds('succeeded'), 6);
    expect(sum(after, 'failed') - sum(before, 'failed')).toBeCloseTo(seconds('failed'), 6);
    // The busy one is in a higher bucket than the one-line one.
    expect(
      sample(after, 'job_runner_job_cpu_seconds_bucket', { status: 'succeeded', le: '0.25' }) -
        sample(before, 'job_runner_job_cpu_seconds_bucket', { status: 'succeeded', le: '0.25' }),
    ).toBe(1);
  });
});
