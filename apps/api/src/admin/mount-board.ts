import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import type { Config } from '@job-runner/config';
import { redactJobData } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { basicAuth } from './basic-auth';
import { JobsBoardAdapter } from './jobs-board-adapter';
import { playgroundLink } from './playground-link';

/**
 * Mounts Bull Board at ADMIN_BASE_PATH behind HTTP Basic, or not at all when no credentials are
 * configured: the board is never open. Read-only mode (the default) is the adapter's own, so the
 * board's API itself refuses retry, clean, add and the rest (405), not just the buttons.
 * Returns whether it was mounted.
 */
export function mountBoard(app: Express, config: Config, queues: Queue[], logger: Logger): boolean {
  const { basePath, user, password, readOnly } = config.admin;
  if (!user || !password) {
    logger.warn(
      `admin board not mounted: set ADMIN_USER and ADMIN_PASSWORD to serve it at ${basePath}`,
    );
    return false;
  }
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((q) => {
      // The jobs queue's board shows verdicts, not crashes, and links each job to its page.
      const jobs = q.name === config.queueName;
      const adapter = new (jobs ? JobsBoardAdapter : BullMQAdapter)(q, {
        readOnlyMode: readOnly,
        allowRetries: !readOnly,
        // The other queue is the callbacks': one delivery per job, its id the job's.
        description: jobs
          ? 'jobs submitted through POST /jobs'
          : "job-end callbacks (spec.callback_url): each job's delivery, its attempts and last error",
        ...(jobs ? { externalJobUrl: playgroundLink } : {}),
      });
      // Defence in depth: env values normally never reach Redis, but whatever does is redacted.
      adapter.setFormatter('data', redactJobData);
      return adapter;
    }),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'job-runner' } },
  });
  app.use(basePath, basicAuth(user, password), serverAdapter.getRouter());
  logger.info(`admin board at ${basePath}`, { readOnly });
  return true;
}
