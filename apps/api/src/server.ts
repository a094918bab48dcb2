import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '@job-runner/config';
import { JobService, JobWorker } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { createApp } from './create-app';
import { startOperations } from './ops/operations';

export interface StartServerOptions {
  config: Config;
  redisUrl: string;
  logger: Logger;
}

export interface RunningServer {
  url: string;
  port: number;
  jobs: JobService;
  worker: JobWorker | null;
  /** Stops serving; waits for the inline worker's running jobs however long they take. */
  close(): Promise<void>;
  /** SIGTERM: stops serving, lets the inline worker's jobs finish or hands them back. */
  shutdown(): Promise<void>;
}

/** Starts the API (and, with INLINE_WORKER, a worker in the same process) on config.port (0: any). */
export async function startServer({
  config,
  redisUrl,
  logger,
}: StartServerOptions): Promise<RunningServer> {
  const jobs = new JobService(config, redisUrl, logger);
  await jobs.init();
  let worker: JobWorker | null = null;
  if (config.inlineWorker) {
    worker = new JobWorker({ config, redisUrl, logger });
    await worker.start();
  }
  const ops = await startOperations(config, redisUrl, logger);
  const app = createApp({ config, jobs, logger, ops });
  const server = http.createServer(app);
  // Sync requests wait up to timeout_sec + grace; never cut them short.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info(`listening on http://${host}:${port}`, { inlineWorker: config.inlineWorker });
  const stop = async (stopWorker: (w: JobWorker) => Promise<void>) => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    if (worker) await stopWorker(worker);
    await ops.close();
    await jobs.close();
  };
  return {
    url: `http://${host}:${port}`,
    port,
    jobs,
    worker,
    close: () => stop((w) => w.close()),
    shutdown: () => stop((w) => w.shutdown()),
  };
}
