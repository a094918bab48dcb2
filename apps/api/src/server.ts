import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { startWorker } from '@job-runner/bootstrap';
import type { Config } from '@job-runner/config';
import { JobService, redisAddress, type JobWorker } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { createApp } from './create-app';
import { startOperations, type Operations } from './ops/operations';
import { createRuntimeCatalog } from './runtimes/create-runtime-catalog';

export interface StartServerOptions {
  config: Config;
  logger: Logger;
}

export interface RunningServer {
  /** The Express app serving (its routes are what the docs describe). */
  app: Express;
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
export async function startServer({ config, logger }: StartServerOptions): Promise<RunningServer> {
  const jobs = new JobService(config, logger);
  let worker: JobWorker | null = null;
  let ops: Operations;
  try {
    await jobs.init();
    // The inline worker is started, and its sandbox checked, exactly as `npm run worker` does.
    worker = config.inlineWorker ? await startWorker(config, logger) : null;
    ops = await startOperations(config, logger, worker?.runner ?? null);
  } catch (err) {
    await worker?.close().catch(() => undefined);
    await jobs.close();
    throw err;
  }
  const app = createApp({
    config,
    jobs,
    logger,
    ops,
    runtimes: createRuntimeCatalog(config, ops.redis),
  });
  // Deadlines are checked this often (Node's default, 30 s, would let a 10 s deadline run 40 s).
  const server = http.createServer(
    {
      connectionsCheckingInterval: Math.min(
        30_000,
        Math.max(500, (config.http.requestTimeoutSec * 1000) / 4),
      ),
    },
    app,
  );
  // A client has this long to send its whole request, body included; the answer is not
  // bounded (a sync wait, an SSE stream), since the clock stops once the request is complete.
  server.requestTimeout = config.http.requestTimeoutSec * 1000;
  server.headersTimeout = Math.min(60_000, server.requestTimeout);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const local = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info(`listening on ${config.host}:${port} (http://${local}:${port})`, {
    redis: redisAddress(config),
    inlineWorker: config.inlineWorker,
  });
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
    app,
    url: `http://${local}:${port}`,
    port,
    jobs,
    worker,
    close: () => stop((w) => w.close()),
    shutdown: () => stop((w) => w.shutdown()),
  };
}
