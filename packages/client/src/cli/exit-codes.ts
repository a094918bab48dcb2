import type { JobView } from '@job-runner/jobs';

/**
 * The CLI's exit statuses besides the program's own. 124 and 137 follow coreutils' `timeout`
 * and the shell's 128+SIGKILL; 130 is the shell's 128+SIGINT.
 */
export const ExitCode = {
  Ok: 0,
  /** The command line, a local file, the server's refusal (HTTP error) or its absence. */
  Usage: 2,
  /** The platform failed the job (`platform error: ...`), or the CLI itself failed. */
  Platform: 3,
  Timeout: 124,
  Canceled: 130,
  OutOfMemory: 137,
} as const;

/** The exit status of `job-runner run` (and `logs -f`) for a job that has ended. */
export function exitCodeFor(job: Pick<JobView, 'status' | 'error' | 'exit_code'>): number {
  if (job.status === 'succeeded') return ExitCode.Ok;
  if (job.status === 'canceled') return ExitCode.Canceled;
  if (job.status !== 'failed') return ExitCode.Platform; // not ended: not ours to say
  switch (job.error) {
    case 'timeout':
      return ExitCode.Timeout;
    case 'oom':
      return ExitCode.OutOfMemory;
    case 'missing entry file':
    case 'files do not fit':
      return ExitCode.Usage; // nothing ran: the submission's own files or sizes were wrong
    case 'non-zero exit':
      return job.exit_code ? job.exit_code : ExitCode.Platform;
    default:
      // `platform error: ...`, `outbound network unavailable`: the program never had its run.
      return ExitCode.Platform;
  }
}
