import { ErrorCode } from './error-code';
import { JobRunnerError } from './job-runner-error';

/** A submission that cannot be read at all (not JSON, a file name with nothing safe in it). */
export class MalformedInputError extends JobRunnerError {
  constructor(message: string, fields: string[] = []) {
    super(ErrorCode.MalformedInput, message, fields);
  }
}
