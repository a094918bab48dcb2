import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { Job } from 'bullmq';
import { boardFailure, type BoardJobJson } from '@job-runner/jobs';

/**
 * Bull Board's adapter of the jobs queue, showing a failure as job-runner's verdict (see
 * boardFailure): `non-zero exit (exit code 3)` and no stack for the program's own failures,
 * the platform's with their stack. The board has formatters for a job's data, name and progress
 * but none for its failure, which it reads from the job's JSON: so each job it is handed answers
 * that JSON with the failure as shown. The job itself, and Redis, keep the contract's verdict.
 */
export class JobsBoardAdapter extends BullMQAdapter {
  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    return job ? showVerdict(job) : job;
  }

  override async getJobs(...args: Parameters<BullMQAdapter['getJobs']>): Promise<Job[]> {
    return (await super.getJobs(...args)).map(showVerdict);
  }
}

function showVerdict(job: Job): Job {
  const toJSON = job.toJSON.bind(job);
  job.toJSON = () => {
    const json = toJSON();
    const shown = boardFailure(json as BoardJobJson);
    return shown ? { ...json, ...shown } : json;
  };
  return job;
}
