import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';

/** Socket errors that mean "no engine there", as opposed to an engine that answered badly. */
const UNREACHABLE = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
]);

/** True when an engine call failed because the engine is not there (rather than refused). */
export function isEngineUnreachable(err: unknown): boolean {
  if (err instanceof SandboxPlatformError) return err.code === SandboxErrorCode.EngineUnreachable;
  return UNREACHABLE.has((err as { code?: string })?.code ?? '');
}

/** Turns an engine error into a SandboxPlatformError whose message says what broke. */
export function platformError(what: string, err: unknown, image?: string): SandboxPlatformError {
  if (err instanceof SandboxPlatformError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (isEngineUnreachable(err)) {
    return new SandboxPlatformError(
      SandboxErrorCode.EngineUnreachable,
      `Docker engine unreachable (${e.code}) while trying to ${what}`,
      { cause: err },
    );
  }
  if (e.statusCode === 404 && image && /image/i.test(e.message ?? '')) {
    return new SandboxPlatformError(
      SandboxErrorCode.ImageMissing,
      `sandbox image ${image} is missing (build it with npm run build:exec-image)`,
      { cause: err },
    );
  }
  return new SandboxPlatformError(
    SandboxErrorCode.EngineFailed,
    `Docker failed to ${what}: ${e.message ?? String(err)}`,
    { cause: err },
  );
}
