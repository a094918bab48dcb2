import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import type { Config } from '@job-runner/config';
import { keyBase, type JobService } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { mountBoard } from '../admin/mount-board';
import { apiKeyAuth } from '../auth/api-key-auth';
import { queueGuard } from '../backpressure/queue-guard';
import { getMetrics } from '../handlers/get-metrics';
import { getOpenApi } from '../handlers/get-openapi';
import { getReadyz } from '../handlers/get-readyz';
import { httpMetrics } from '../metrics/http-metrics';
import { buildOpenApi } from '../openapi/build-openapi';
import { docsInit, docsPage } from '../openapi/docs-page';
import type { Operations } from './operations';

// Swagger UI's files, from the installed package (the page must work without a CDN).
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist'));

export interface OperatorDeps {
  config: Config;
  jobs: JobService;
  logger: Logger;
  ops: Operations;
}

/** First of all middleware: counts every request, whatever answers it. */
export function requestMetrics({ config, ops }: OperatorDeps): RequestHandler {
  return httpMetrics(ops.metrics, config.admin.basePath);
}

/** Health, readiness, metrics, the API description and the admin board. None needs an API key. */
export function mountOperations(app: Express, deps: OperatorDeps): void {
  const { config, jobs, logger, ops } = deps;
  app.get('/readyz', getReadyz(config, ops));
  app.get('/metrics', getMetrics(ops.metrics));
  app.get('/openapi.json', getOpenApi(buildOpenApi(config, jobs.schema)));
  app.get('/docs', docsPage);
  app.get('/docs/init.js', docsInit);
  app.use('/docs', express.static(SWAGGER_UI_DIR, { index: false }));
  mountBoard(app, config, [jobs.queue, jobs.callbacks], logger);
}

/** Guards of every /jobs route: the API key and its rate limit, when keys are configured. */
export function jobsAuth({ config, logger, ops }: OperatorDeps): RequestHandler[] {
  const { keys, rateLimit, rateWindowSec } = config.apiKeys;
  if (keys.length === 0) return [];
  return [
    apiKeyAuth(
      {
        keys,
        rateLimit,
        rateWindowSec,
        keyPrefix: `${keyBase(ops.redis, config.queueName)}:api-rate`,
      },
      ops.redis,
      logger,
    ),
  ];
}

/** Guard of the submitting routes: MAX_QUEUE_SIZE. */
export function admission({ config, ops }: OperatorDeps): RequestHandler[] {
  const { maxQueueSize, retryAfterSec } = config.backpressure;
  return [queueGuard(ops.queue, maxQueueSize, retryAfterSec)];
}
