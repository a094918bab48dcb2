import { runProcess } from '@job-runner/bootstrap';
import { waitForRedis } from '@job-runner/jobs';
import { ensureExecImage } from './bootstrap/ensure-exec-image';
import { resolveRedis } from './bootstrap/resolve-redis';
import { startServer } from './server';

/** The API, and with INLINE_WORKER=1 (the default) a worker in the same process. */
runProcess({
  name: 'api',
  async start(config, logger) {
    const redis = await resolveRedis(config, logger);
    await waitForRedis(config);
    if (config.inlineWorker && config.useDocker) await ensureExecImage(config, logger);
    const server = await startServer({ config, logger });
    return {
      async stop() {
        await server.shutdown();
        await redis.stop();
      },
    };
  },
  hint: (message) =>
    /Docker engine unreachable/.test(message)
      ? 'install and start the Docker engine (apt-get install -y docker.io; dockerd &), or set ' +
        'USE_DOCKER=0 for an unsandboxed development run'
      : null,
});
