/** Why a run ended; `succeeded` is the only good one. */
export type RunVerdict = 'succeeded' | 'non-zero exit' | 'timeout' | 'oom' | 'canceled';

export interface ArtifactInfo {
  /** Path relative to the output directory, `/`-separated. */
  name: string;
  size: number;
}

export interface RunResult {
  verdict: RunVerdict;
  /** Exit code of the entry, or null when it never exited by itself (killed, never started). */
  exitCode: number | null;
  durationMs: number;
  /** Peak memory of the sandbox (cgroup v1 max_usage), when the engine reports it. */
  peakMemoryBytes: number | null;
  /**
   * CPU time (user and system) the sandbox's cgroup counted from the program's start to the end
   * of all it started, when known; the whole count when only a collector reported.
   */
  cpuTimeMs: number | null;
  artifacts: ArtifactInfo[];
  /** Whether the sandbox came ready from a pool (warm) or was made for the run (cold). */
  sandbox?: 'warm' | 'cold';
}

/** The result of a run canceled before its program started. */
export const canceledResult = (): RunResult => ({
  verdict: 'canceled',
  exitCode: null,
  durationMs: 0,
  peakMemoryBytes: null,
  cpuTimeMs: null,
  artifacts: [],
});
