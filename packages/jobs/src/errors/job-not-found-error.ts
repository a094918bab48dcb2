import { ErrorCode } from './error-code';
import { JobRunnerError } from './job-runner-error';

export class JobNotFoundError extends JobRunnerError {
  constructor(jobId: string) {
    super(ErrorCode.JobNotFound, `job ${jobId.slice(0, 100)} not found`);
  }
}
