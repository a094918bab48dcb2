import { runProcess, startWorker } from '@job-runner/bootstrap';
import { waitForRedis } from '@job-runner/jobs';

/** A worker process alone: any number of them may share one Redis. */
runProcess({
  name: 'worker',
  async start(config, logger) {
    await waitForRedis(config.redisUrl);
    const worker = await startWorker(config, logger);
    return { stop: () => worker.shutdown() };
  },
  hint: (message) =>
    message.includes('EACCES')
      ? 'this user may not open the Docker socket: run the worker in its group (stat -c %g ' +
        "/var/run/docker.sock); the image's entrypoint does so itself when started as root"
      : null,
});
