/** A spec limit as the API enforces it: the value a spec that sets none gets, and its bounds. */
export interface LimitRange {
  default: number;
  min: number;
  max: number;
}

/** What a job of a runtime may use: the spec's limits, and the platform's output caps. */
export interface RuntimeLimits {
  timeout_sec: LimitRange;
  cpu_limit: LimitRange;
  mem_limit_mb: LimitRange;
  pids_limit: LimitRange;
  output: {
    max_log_bytes: number;
    max_artifacts: number;
    max_artifact_bytes: number;
    tmp_size_mb: number;
  };
}

/** Why a runtime is not available: a stable code and a sentence. */
export interface RuntimeProblem {
  code: string;
  detail: string;
}

/**
 * One runtime as GET /runtimes shows it. What its image holds (language, version, packages) is
 * what a probe inside the image reported; each of those is null when the runtime is not
 * available, and `error` says why.
 */
export interface RuntimeView {
  name: string;
  image: string;
  default: boolean;
  available: boolean;
  error: RuntimeProblem | null;
  image_id: string | null;
  language: string | null;
  version: string | null;
  implementation: string | null;
  build: string | null;
  packages: { name: string; version: string }[] | null;
  probed_at: string | null;
  limits: RuntimeLimits;
}
