import type { ErrorCode } from './error-code';

/**
 * An error of the job domain: a code that says what kind it is, a message meant for the client
 * (it names what was wrong), and the fields it concerns. Nothing here knows of HTTP.
 */
export class JobRunnerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request fields the error is about (`spec.timeout_sec`, `code_files`, ...). */
    readonly fields: string[] = [],
    /** Extra facts for the client (the job's status, ...). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
