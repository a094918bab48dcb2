import { ErrorCode } from './error-code';
import { JobRunnerError } from './job-runner-error';

export class InputTooLargeError extends JobRunnerError {
  constructor(message: string, fields: string[] = []) {
    super(ErrorCode.InputTooLarge, message, fields);
  }
}
