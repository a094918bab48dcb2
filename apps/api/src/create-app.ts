import express, { type Express } from 'express';
import type { Config } from '@job-runner/config';
import { JobNotFoundError, isJobId, type JobService } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { jobsCors } from './cors/jobs-cors';
import { errorHandler } from './errors/error-handler';
import { routeNotFound } from './errors/http-error';
import { cancelJob } from './handlers/cancel-job';
import { getArtifact } from './handlers/get-artifact';
import { getJob } from './handlers/get-job';
import { getLogs } from './handlers/get-logs';
import { getRuntime } from './handlers/get-runtime';
import { listJobs } from './handlers/list-jobs';
import { listRuntimes } from './handlers/list-runtimes';
import { streamLogs } from './handlers/stream-logs';
import { submitJob } from './handlers/submit-job';
import { submitJobSync } from './handlers/submit-job-sync';
import type { Operations } from './ops/operations';
import { admission, jobsAuth, mountOperations, requestMetrics } from './ops/mount-operations';
import { mountPlayground } from './playground/mount-playground';
import type { RuntimeCatalog } from './runtimes/runtime-catalog';
import { traceRequests } from './tracing/trace-requests';

export interface AppDeps {
  config: Config;
  jobs: JobService;
  logger: Logger;
  /** The operator surface: readiness, metrics, board, keys, backpressure, stream slots. */
  ops: Operations;
  /** The configured runtimes and what their images hold (GET /runtimes). */
  runtimes: RuntimeCatalog;
}

/** The HTTP surface: thin handlers over JobService, errors mapped in one place. */
export function createApp(deps: AppDeps): Express {
  const { config, jobs, logger, ops, runtimes } = deps;
  const app = express();
  app.use(requestMetrics(deps));
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const limits = config.uploads;
  // Held in memory while parsed, so smaller than a multipart body, which streams to disk.
  const json = express.json({ limit: limits.maxJsonBodyBytes, type: 'application/json' });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  mountOperations(app, deps);
  mountPlayground(app);
  // Tracing on: each request to the job routes starts (or continues) a job's trace.
  if (config.tracing.endpoint) {
    app.use('/jobs', traceRequests());
    app.use('/runtimes', traceRequests());
  }
  // CORS_ORIGINS: before the key check, since a preflight carries no key, and so that every
  // answer (a 401 or a 429 too) is readable by the page that asked.
  const crossOrigin = jobsCors(config.cors.origins, config.apiKeys.keys.length > 0);
  if (crossOrigin) app.use('/jobs', crossOrigin);
  // Before any body is read: a refused request costs no upload.
  const auth = jobsAuth(deps);
  if (auth.length) app.use('/jobs', ...auth);
  // Behind the key too: a first ask starts a probe container.
  if (auth.length) app.use('/runtimes', ...auth);
  const admit = admission(deps);

  app.get('/jobs', listJobs(jobs));
  app.post('/jobs', ...admit, json, submitJob(jobs, limits, ops.workers));
  app.post(
    '/jobs/sync',
    ...admit,
    json,
    submitJobSync(jobs, limits, config.syncGraceSec, ops.workers),
  );
  // Only ids of the form the API hands out name a job; anything else is a 404 at once.
  app.use('/jobs/:id', (req, _res, next) => {
    const id = req.params.id;
    next(isJobId(id) ? undefined : new JobNotFoundError(id));
  });
  app.get('/jobs/:id', getJob(jobs));
  app.delete('/jobs/:id', cancelJob(jobs));
  app.post('/jobs/:id/cancel', cancelJob(jobs));
  app.get('/jobs/:id/logs', getLogs(jobs));
  app.get('/jobs/:id/logs/stream', streamLogs(jobs, ops.streams));
  app.get('/jobs/:id/artifacts/*name', getArtifact(jobs));
  app.get('/runtimes', listRuntimes(runtimes));
  app.get('/runtimes/:name', getRuntime(runtimes));

  app.use((req, _res, next) => next(routeNotFound(req.method, req.path)));
  app.use(errorHandler(logger));
  return app;
}
