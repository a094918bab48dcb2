/** Typed, validated configuration. Field names follow the variables they come from. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string;
  host: string;
  port: number;
  /** Empty when the operator left REDIS_URL unset (see `resolveRedisUrl`). */
  redisUrl: string;
  jobDataDir: string;
  inlineWorker: boolean;
  useDocker: boolean;
  dockerHost: string;
  defaultRuntime: string;
  /** Runtime name -> image; always holds `defaultRuntime` -> JOB_RUN_IMAGE. */
  runtimes: Record<string, string>;
  /** OCI runtime for sandboxes (SANDBOX_RUNTIME); empty: the engine's default. */
  sandboxRuntime: string;
  /** net_policy outbound: switched on, and the firewalled Docker network it uses. */
  outbound: { enabled: boolean; network: string };
  queueName: string;
  workerConcurrency: number;
  limits: {
    maxTimeoutSec: number;
    maxCpuLimit: number;
    maxMemLimitMb: number;
    maxPidsLimit: number;
  };
  uploads: {
    maxFiles: number;
    maxFileBytes: number;
    maxBodyBytes: number;
  };
  output: {
    maxLogBytes: number;
    maxArtifacts: number;
    maxArtifactBytes: number;
    tmpSizeMb: number;
  };
  syncGraceSec: number;
  retry: {
    attempts: number;
    backoffMs: number;
  };
  /** Finished jobs kept in BullMQ (and their logs and files with them). */
  retention: {
    completedAgeSec: number;
    completedCount: number;
    failedAgeSec: number;
    failedCount: number;
    janitorIntervalSec: number;
  };
  /** Crash recovery and shutdown of workers. */
  lifecycle: {
    lockDurationMs: number;
    stalledIntervalMs: number;
    maxStalledCount: number;
    heartbeatSec: number;
    reaperIntervalSec: number;
    shutdownGraceSec: number;
  };
  /** Bull Board; `user` is empty when it is not to be mounted. */
  admin: {
    basePath: string;
    user: string;
    password: string;
    readOnly: boolean;
    /** Lines of output mirrored into the BullMQ job log (its Logs tab). */
    logLines: number;
  };
  backpressure: {
    /** Jobs waiting to start past which submissions are refused; 0: no cap. */
    maxQueueSize: number;
    retryAfterSec: number;
  };
  /** Keys for /jobs; empty: open. */
  apiKeys: {
    keys: string[];
    rateLimit: number;
    rateWindowSec: number;
  };
}
