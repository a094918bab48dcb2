import express, { type Express } from 'express';
import type { Config } from '@job-runner/config';
import type { JobService } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { errorHandler } from './errors/error-handler';
import { cancelJob } from './handlers/cancel-job';
import { getArtifact } from './handlers/get-artifact';
import { getJob } from './handlers/get-job';
import { getLogs } from './handlers/get-logs';
import { streamLogs } from './handlers/stream-logs';
import { submitJob } from './handlers/submit-job';
import { submitJobSync } from './handlers/submit-job-sync';
import { notFound } from '@job-runner/jobs';
import type { Operations } from './ops/operations';
import { admission, jobsAuth, mountOperations, requestMetrics } from './ops/mount-operations';

export interface AppDeps {
  config: Config;
  jobs: JobService;
  logger: Logger;
  /** The operator surface (readiness, metrics, board, keys, backpressure); absent: bare API. */
  ops?: Operations;
}

/** The HTTP surface: thin handlers over JobService, errors mapped in one place. */
export function createApp({ config, jobs, logger, ops }: AppDeps): Express {
  const app = express();
  const operator = ops ? { config, jobs, logger, ops } : null;
  if (operator) app.use(requestMetrics(operator));
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const limits = config.uploads;
  const json = express.json({ limit: limits.maxBodyBytes, type: 'application/json' });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  if (operator) {
    mountOperations(app, operator);
    // Before any body is read: a refused request costs no upload.
    const auth = jobsAuth(operator);
    if (auth.length) app.use('/jobs', ...auth);
  }
  const admit = operator ? admission(operator) : [];

  app.post('/jobs', ...admit, json, submitJob(jobs, limits));
  app.post('/jobs/sync', ...admit, json, submitJobSync(jobs, limits, config.syncGraceSec));
  app.get('/jobs/:id', getJob(jobs));
  app.delete('/jobs/:id', cancelJob(jobs));
  app.post('/jobs/:id/cancel', cancelJob(jobs));
  app.get('/jobs/:id/logs', getLogs(jobs));
  app.get('/jobs/:id/logs/stream', streamLogs(jobs));
  app.get('/jobs/:id/artifacts/*name', getArtifact(jobs));

  app.use((req, _res, next) => next(notFound(`no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
  return app;
}
