import { ErrorCode } from './error-code';
import { JobRunnerError } from './job-runner-error';

/**
 * One attempt at a job-end callback failed: a non-2xx answer (a redirect included), or no
 * signing key in this process. BullMQ retries it with backoff; its message becomes the job
 * view's `callback.last_error`, so it says what the receiver did, never what it answered.
 */
export class CallbackDeliveryError extends JobRunnerError {
  constructor(reason: string) {
    super(ErrorCode.CallbackFailed, reason);
  }
}
