import { publishRuntimeFacts, runProcess, startWorker } from '@job-runner/bootstrap';
import { waitForRedis } from '@job-runner/jobs';

/** A worker process alone: any number of them may share one Redis. */
runProcess({
  name: 'worker',
  async start(config, logger) {
    await waitForRedis(config);
    const worker = await startWorker(config, logger);
    // For an API with no engine of its own (compose): what this worker's images hold. In the
    // background: a probe is a short container run, and jobs need not wait for it.
    void publishRuntimeFacts(config, logger).catch((err: Error) =>
      logger.warn('runtime facts not published', { error: err.message }),
    );
    return { stop: () => worker.shutdown() };
  },
  hint: (message) =>
    message.includes('EACCES')
      ? 'this user may not open the Docker socket: run the worker in its group (stat -c %g ' +
        "/var/run/docker.sock); the image's entrypoint does so itself when started as root"
      : null,
});
