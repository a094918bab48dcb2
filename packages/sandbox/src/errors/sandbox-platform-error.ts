import type { SandboxErrorCode } from './sandbox-error-code';

/**
 * The platform could not run the program: the engine is unreachable, the image is missing, a
 * container could not be created. Worth retrying; never the user's fault. The code says which.
 */
export class SandboxPlatformError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SandboxPlatformError';
  }
}
