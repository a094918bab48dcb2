import { DockerRunner } from '@job-runner/sandbox';
import { expectRunnerStillRuns } from '../helpers/attack';
import { describeDocker, sandboxRuntimeUnderTest } from '../helpers/docker';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/** SANDBOX_RUNTIME is checked against the engine at start, not found out at the first job. */
describeDocker('the sandbox runtime', () => {
  const known = sandboxRuntimeUnderTest() ?? 'runc';
  // gVisor's CPU floor (see GVISOR_MIN_CPUS).
  const minCpus = known === 'runsc' ? 0.1 : 0.01;
  afterEach(() => expectRunnerStillRuns(new DockerRunner({ runtime: known })));

  it(`accepts a runtime the engine knows (${known})`, async () => {
    expect(await new DockerRunner({ runtime: known, minCpus }).check([IMAGE])).toEqual([
      { name: 'docker', ok: true },
      { name: 'image', ok: true },
      { name: 'runtime', ok: true },
    ]);
  });

  it('refuses gVisor with a CPU floor it cannot start a sandbox under', async () => {
    const checks = await new DockerRunner({ runtime: 'runsc', minCpus: 0.01 }).check([IMAGE]);
    expect(checks.find((c) => c.name === 'runtime')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /runsc is gVisor.*cpu_limit must be at least 0\.1 there \(MIN_CPU_LIMIT is 0\.01\)/,
      ) as unknown,
    });
    const atFloor = await new DockerRunner({ runtime: 'runsc', minCpus: 0.1 }).check([IMAGE]);
    expect(atFloor.find((c) => c.name === 'runtime')).toEqual({ name: 'runtime', ok: true });
  });

  it('refuses an unknown one, naming those the engine has', async () => {
    const checks = await new DockerRunner({ runtime: 'no-such-runtime' }).check([IMAGE]);
    expect(checks.find((c) => c.name === 'runtime')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /no-such-runtime is not known to the Docker engine \(it has: .*runc.*\); register it in \/etc\/docker\/daemon.json/,
      ) as unknown,
    });
  });
});
