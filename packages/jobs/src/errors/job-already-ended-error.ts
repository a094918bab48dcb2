import { ErrorCode } from './error-code';
import { JobRunnerError } from './job-runner-error';

export class JobAlreadyEndedError extends JobRunnerError {
  constructor(jobId: string, status: string) {
    super(ErrorCode.JobAlreadyEnded, `job ${jobId} has already ended (${status})`, [], { status });
  }
}
