import { ErrorCode } from './error-code';
import { JobRunnerError } from './job-runner-error';

export class ArtifactNotFoundError extends JobRunnerError {
  constructor(name: string) {
    super(ErrorCode.ArtifactNotFound, `artifact ${JSON.stringify(name.slice(0, 300))} not found`);
  }
}
