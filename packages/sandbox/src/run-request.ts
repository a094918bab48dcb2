/** Resource limits of one run. */
export interface SandboxLimits {
  timeoutSec: number;
  cpus: number;
  memoryMb: number;
  pids: number;
}

export type NetPolicy = 'none' | 'outbound';
export type OutputStreamName = 'stdout' | 'stderr';

/** Everything one run needs. Files come from host directories the caller has filled. */
export interface RunRequest {
  jobId: string;
  /** Image to run (Docker runner only). */
  image: string;
  entry: string;
  args: string[];
  /** Extra environment from the spec; the sandbox adds only JOB_ID and the directory variables. */
  env: Record<string, string>;
  limits: SandboxLimits;
  netPolicy: NetPolicy;
  /** Host directories: code and inputs are read from them, artifacts are written to outputDir. */
  codeDir: string;
  inputDir: string;
  outputDir: string;
  /** Called with each piece of output as it arrives; must not block. */
  onOutput: (chunk: Buffer, stream: OutputStreamName) => void;
  /** Called for platform remarks worth showing to the user (skipped artifacts, ...). */
  onNotice?: (message: string) => void;
  /** Told when the program starts and when its artifacts are being collected. */
  onPhase?: (phase: 'running' | 'collecting') => void;
  /** Aborting ends the run at once with the `canceled` verdict. */
  signal?: AbortSignal;
  /** Extra labels on the container, e.g. the worker id. */
  labels?: Record<string, string>;
}
