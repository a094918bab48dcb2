import type { SandboxCheck } from '@job-runner/sandbox';

/** A worker cannot start: the sandbox checks that failed, each saying what is wrong. */
export class SandboxNotReadyError extends Error {
  constructor(readonly failed: SandboxCheck[]) {
    super(
      `sandboxes cannot run here: ${failed.map((c) => `${c.name}: ${c.detail ?? 'failed'}`).join('; ')}`,
    );
    this.name = 'SandboxNotReadyError';
  }
}
