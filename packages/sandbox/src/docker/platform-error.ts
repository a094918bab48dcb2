import { SandboxPlatformError } from '../errors/sandbox-platform-error';

/** Turns an engine error into a SandboxPlatformError whose message says what broke. */
export function platformError(what: string, err: unknown, image?: string): SandboxPlatformError {
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (
    e.code === 'ENOENT' ||
    e.code === 'ECONNREFUSED' ||
    e.code === 'EACCES' ||
    e.code === 'ETIMEDOUT'
  ) {
    return new SandboxPlatformError(
      `Docker engine unreachable (${e.code}) while trying to ${what}`,
      { cause: err },
    );
  }
  if (e.statusCode === 404 && image && /image/i.test(e.message ?? '')) {
    return new SandboxPlatformError(
      `sandbox image ${image} is missing (build it with npm run build:exec-image)`,
      {
        cause: err,
      },
    );
  }
  return new SandboxPlatformError(`Docker failed to ${what}: ${e.message ?? String(err)}`, {
    cause: err,
  });
}
