import type { RequestHandler } from 'express';
import { callerKey } from '../auth/caller-key';
import type { JobService, WorkerRegistry } from '@job-runner/jobs';
import { workerWarning } from '../health/worker-census';
import { readSubmission } from '../uploads/read-submission';
import type { UploadLimits } from '../uploads/submission';
import { jobBody } from './job-body';

/**
 * POST /jobs/sync: queue, wait for the end (timeout_sec plus a grace period), answer with the
 * job, its whole log and its artifacts; past the deadline, 504 and the job goes on.
 */
export function submitJobSync(
  jobs: JobService,
  limits: UploadLimits,
  graceSec: number,
  workers: WorkerRegistry,
): RequestHandler {
  return async (req, res) => {
    const sub = await readSubmission(req, jobs, limits);
    const owner = callerKey(res);
    const jobId = (await jobs.submit(sub.spec, sub.staged, sub.files, owner)).id;
    const { view, ended } = await jobs.waitForEnd(
      jobId,
      (sub.spec.timeout_sec + graceSec) * 1000,
      owner,
    );
    if (!ended) {
      const { warning } = await workerWarning(workers);
      res.status(504).json({
        detail: `job ${jobId} has not ended within timeout_sec + ${graceSec}s; it goes on`,
        code: 'NOT_ENDED_YET',
        fields: [],
        ...jobBody(view, warning ? { warning } : {}),
      });
      return;
    }
    res.json(jobBody(view, { logs: await jobs.readLog(jobId, owner), artifacts: view.artifacts }));
  };
}
