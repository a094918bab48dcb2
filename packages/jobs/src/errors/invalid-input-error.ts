import { ErrorCode } from './error-code';
import { JobRunnerError } from './job-runner-error';

/** A submission that breaks a rule; the message names each field that is wrong. */
export class InvalidInputError extends JobRunnerError {
  constructor(message: string, fields: string[] = []) {
    super(ErrorCode.InvalidInput, message, fields);
  }
}
