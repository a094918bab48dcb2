import { DockerRunner } from '@job-runner/sandbox';
import { expectRunnerStillRuns } from '../helpers/attack';
import { describeDocker } from '../helpers/docker';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/** SANDBOX_RUNTIME is checked against the engine at start, not found out at the first job. */
describeDocker('the sandbox runtime', () => {
  afterEach(() => expectRunnerStillRuns(new DockerRunner({ runtime: 'runc' })));

  it('accepts a runtime the engine knows', async () => {
    expect(await new DockerRunner({ runtime: 'runc' }).check([IMAGE])).toEqual([
      { name: 'docker', ok: true },
      { name: 'image', ok: true },
      { name: 'runtime', ok: true },
    ]);
  });

  it('refuses an unknown one, naming those the engine has', async () => {
    const checks = await new DockerRunner({ runtime: 'no-such-runtime' }).check([IMAGE]);
    expect(checks.find((c) => c.name === 'runtime')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /no-such-runtime is not known to the Docker engine \(it has: .*runc/,
      ) as unknown,
    });
  });
});
