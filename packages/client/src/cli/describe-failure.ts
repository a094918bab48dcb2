import { JobRunnerConnectionError } from '../job-runner-connection-error';
import { JobRunnerHttpError } from '../job-runner-http-error';
import { ExitCode } from './exit-codes';
import { UsageError } from './usage-error';

/** What the CLI says on stderr (one line) and the status it exits with, for a failure. */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  const line = (text: string) => `job-runner: ${text.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`;
  if (err instanceof UsageError) {
    const help = err.command ? `job-runner ${err.command} --help` : 'job-runner --help';
    return { message: line(`${err.message} (see ${help})`), exitCode: ExitCode.Usage };
  }
  if (err instanceof JobRunnerHttpError) {
    const hint = err.status === 401 ? ' (set --api-key or JOB_RUNNER_API_KEY)' : '';
    const fields = err.fields.length ? ` [${err.fields.join(', ')}]` : '';
    return {
      message: line(`the server answered ${err.status} ${err.code}: ${err.detail}${fields}${hint}`),
      exitCode: ExitCode.Usage,
    };
  }
  if (err instanceof JobRunnerConnectionError)
    return {
      message: line(`${err.message} (set --server or JOB_RUNNER_URL)`),
      exitCode: ExitCode.Usage,
    };
  const errno = err as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    // A local file (an artifact's destination): not the CLI's fault, not the platform's.
    const where = errno.path ? ` ${errno.path}` : '';
    return {
      message: line(`cannot ${errno.syscall}${where}: ${errno.code}`),
      exitCode: ExitCode.Usage,
    };
  }
  return {
    message: line(err instanceof Error ? err.message : String(err)),
    exitCode: ExitCode.Platform,
  };
}
