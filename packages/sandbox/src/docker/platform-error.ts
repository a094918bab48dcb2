import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';
import { tlsProblem } from './tls-problem';

/** Socket errors that mean "no engine there", as opposed to an engine that answered badly. */
const UNREACHABLE = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
]);

/**
 * True when an engine call failed because the engine is not there for us (rather than refused):
 * no socket, no answer, or no TLS session with it (a certificate that expired under a running
 * worker stops it taking jobs, as an engine that went away does, instead of failing them all).
 */
export function isEngineUnreachable(err: unknown): boolean {
  if (err instanceof SandboxPlatformError) return err.code === SandboxErrorCode.EngineUnreachable;
  return UNREACHABLE.has((err as { code?: string })?.code ?? '') || tlsProblem(err) !== null;
}

/** Turns an engine error into a SandboxPlatformError whose message says what broke. */
export function platformError(what: string, err: unknown, image?: string): SandboxPlatformError {
  if (err instanceof SandboxPlatformError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  const tls = tlsProblem(err);
  if (tls) {
    return new SandboxPlatformError(
      SandboxErrorCode.EngineUnreachable,
      `Docker engine unreachable over TLS while trying to ${what}: ${tls}`,
      { cause: err },
    );
  }
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
