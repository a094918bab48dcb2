import { ErrorCode } from './error-code';
import { JobRunnerError } from './job-runner-error';

/**
 * The platform failed a job (engine, image, its files): thrown to BullMQ, which retries it with
 * backoff. The message is what the job view shows once the attempts are used up, so it starts
 * with "platform error:" and holds no secret value.
 */
export class PlatformFailureError extends JobRunnerError {
  constructor(reason: string) {
    super(ErrorCode.PlatformFailure, `platform error: ${reason}`);
  }
}
