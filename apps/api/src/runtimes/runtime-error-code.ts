/** Why a runtime is not available: the `code` of its `error`, and of GET /runtimes/{name}'s 503. */
export const RuntimeErrorCode = {
  /** Its image is not on the engine. */
  ImageMissing: 'RUNTIME_IMAGE_MISSING',
  /** The API's Docker engine does not answer (or the API has none, as in compose). */
  EngineUnreachable: 'RUNTIME_ENGINE_UNREACHABLE',
  /** The probe ran but reported nothing usable, or not in time. */
  ProbeFailed: 'RUNTIME_PROBE_FAILED',
  /** USE_DOCKER=0: there is no image to probe. */
  NotProbed: 'RUNTIME_NOT_PROBED',
} as const;

export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];
