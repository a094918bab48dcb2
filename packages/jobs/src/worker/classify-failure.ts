import {
  OutboundUnavailableError,
  SandboxErrorCode,
  SandboxPlatformError,
} from '@job-runner/sandbox';
import { JobRunnerError } from '../errors/job-runner-error';
import { scrubSecrets } from '../secrets/redact';

/** The job's error when net_policy outbound cannot be honoured safely. */
export const OUTBOUND_UNAVAILABLE = 'outbound network unavailable';

/** The job's error when its own files did not fit the space its spec gives them. */
export const FILES_DO_NOT_FIT = 'files do not fit';

/**
 * tar's words when the job's files outgrow their tmpfs: the job's size (its files, its
 * mem_limit_mb) is the cause, and another attempt would fail the same way.
 */
const NO_ROOM = /No space left on device|Disk quota exceeded|File too large/i;

export type FailureKind =
  /** The job cannot run here as asked: it fails for good, saying why (never retried). */
  | { kind: 'refused'; error: string; note: string }
  /** The Docker engine is away: not the job's fault, and no attempt of its should be spent. */
  | { kind: 'engine-down'; reason: string }
  /** Any other failure of the platform: retried with backoff. */
  | { kind: 'platform'; reason: string };

/**
 * Step 4, when a run throws: whose failure it is. The reason is scrubbed of the job's secret
 * values, since it is stored in Redis and shown on the board.
 */
export function classifyFailure(err: unknown, secrets: Record<string, string>): FailureKind {
  if (err instanceof OutboundUnavailableError)
    return { kind: 'refused', error: OUTBOUND_UNAVAILABLE, note: err.message };
  const known = err instanceof SandboxPlatformError || err instanceof JobRunnerError;
  const reason = scrubSecrets(
    known ? (err as Error).message : `unexpected: ${(err as Error)?.message ?? String(err)}`,
    secrets,
  );
  if (err instanceof SandboxPlatformError && err.code === SandboxErrorCode.EngineUnreachable)
    return { kind: 'engine-down', reason };
  // What submission checks miss but the user's own settings still cause: the user's failure,
  // said plainly, not a platform error retried JOB_ATTEMPTS times.
  if (
    err instanceof SandboxPlatformError &&
    err.code === SandboxErrorCode.FilesNotCopied &&
    NO_ROOM.test(err.message)
  )
    return { kind: 'refused', error: FILES_DO_NOT_FIT, note: reason };
  return { kind: 'platform', reason };
}
