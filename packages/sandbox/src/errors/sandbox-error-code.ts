/** Why the platform could not run a program; every SandboxPlatformError carries one. */
export const SandboxErrorCode = {
  /** The Docker engine does not answer (socket missing, refused, timed out, not allowed, no TLS session). */
  EngineUnreachable: 'ENGINE_UNREACHABLE',
  /** The runtime's image is not on the engine. */
  ImageMissing: 'IMAGE_MISSING',
  /** SANDBOX_RUNTIME names an OCI runtime the engine does not have. */
  RuntimeUnknown: 'RUNTIME_UNKNOWN',
  /** The engine answered, but with an error. */
  EngineFailed: 'ENGINE_FAILED',
  /** The job's files could not be unpacked in the sandbox. */
  FilesNotCopied: 'FILES_NOT_COPIED',
  /** net_policy outbound cannot be honoured safely on this worker. */
  OutboundUnavailable: 'OUTBOUND_UNAVAILABLE',
  /** A runtime image's probe did not report what it holds (no Python, too slow, bad output). */
  ProbeFailed: 'PROBE_FAILED',
} as const;

export type SandboxErrorCode = (typeof SandboxErrorCode)[keyof typeof SandboxErrorCode];
