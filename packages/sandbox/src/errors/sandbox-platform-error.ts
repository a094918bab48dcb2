/**
 * The platform could not run the program: the engine is unreachable, the image is missing, a
 * container could not be created. Worth retrying; never the user's fault.
 */
export class SandboxPlatformError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxPlatformError';
  }
}
