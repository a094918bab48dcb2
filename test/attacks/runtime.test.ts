import { DockerRunner } from '@job-runner/sandbox';
import { describeDocker } from '../helpers/docker';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/** SANDBOX_RUNTIME is checked against the engine at start, not found out at the first job. */
describeDocker('the sandbox runtime', () => {
  it('accepts a runtime the engine knows', async () => {
    await expect(new DockerRunner({ runtime: 'runc' }).check(IMAGE)).resolves.toBeUndefined();
  });

  it('refuses an unknown one, naming those the engine has', async () => {
    await expect(new DockerRunner({ runtime: 'no-such-runtime' }).check(IMAGE)).rejects.toThrow(
      /no-such-runtime is not known to the Docker engine \(it has: .*runc/,
    );
  });
});
