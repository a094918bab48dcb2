/** What went wrong, for whoever maps errors to answers (the API maps each code to a status). */
export const ErrorCode = {
  JobNotFound: 'JOB_NOT_FOUND',
  JobAlreadyEnded: 'JOB_ALREADY_ENDED',
  ArtifactNotFound: 'ARTIFACT_NOT_FOUND',
  /** A submission that is well-formed but breaks a rule: a spec field, a file, a cap. */
  InvalidInput: 'INVALID_INPUT',
  /** A submission that cannot be read at all: a spec that is not JSON, a file name with nothing safe. */
  MalformedInput: 'MALFORMED_INPUT',
  /** A submission over a size cap. */
  InputTooLarge: 'INPUT_TOO_LARGE',
  /** The platform failed the job (engine, image, files): retried with backoff. */
  PlatformFailure: 'PLATFORM_FAILURE',
  /** One attempt at a job-end callback failed (never an answer: deliveries run in workers). */
  CallbackFailed: 'CALLBACK_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
