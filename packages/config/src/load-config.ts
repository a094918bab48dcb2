import path from 'node:path';
import dotenv from 'dotenv';
import type { Config } from './config';
import { ConfigError } from './config-error';
import { envSchema } from './env-schema';

export interface LoadConfigOptions {
  /** Read `.env` from this directory (default: the current one). Set to null to skip it. */
  dotenvDir?: string | null;
}

/**
 * Validates the environment (plus `.env`, whose values never override real variables) and
 * returns the typed configuration. Throws ConfigError naming each variable that is wrong.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): Config {
  const merged: Record<string, string | undefined> = { ...env };
  if (options.dotenvDir !== null) {
    const file = path.join(options.dotenvDir ?? process.cwd(), '.env');
    const parsed = dotenv.config({ path: file, processEnv: {}, quiet: true }).parsed ?? {};
    for (const [k, v] of Object.entries(parsed)) if (merged[k] === undefined) merged[k] = v;
  }
  // An empty variable means "use the default", as in most twelve-factor tooling.
  for (const k of Object.keys(merged)) if (merged[k] === '' && k !== 'REDIS_URL') delete merged[k];

  const { error, value } = envSchema.validate(merged);
  if (error) {
    throw new ConfigError(
      error.details.map((d) => {
        // A peer rule (set both or neither) names its variable in the context, not the path.
        const name = String(d.path[0] ?? (d.context as { main?: string } | undefined)?.main);
        return `${name}: ${d.message.replace(/^"[^"]+" /, '')} (got ${shown(name, merged)})`;
      }),
    );
  }
  const v = value as Record<string, never>;
  const runtimes: Record<string, string> = {};
  for (const pair of String(v.RUNTIMES).split(',').filter(Boolean)) {
    const [name, image] = pair.split('=') as [string, string];
    runtimes[name] = image;
  }
  runtimes[v.DEFAULT_RUNTIME] = v.JOB_RUN_IMAGE;

  return {
    nodeEnv: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    host: v.HOST,
    port: v.PORT,
    redisUrl: v.REDIS_URL,
    jobDataDir: path.resolve(v.JOB_DATA_DIR),
    inlineWorker: v.INLINE_WORKER,
    useDocker: v.USE_DOCKER,
    dockerHost: v.DOCKER_HOST,
    defaultRuntime: v.DEFAULT_RUNTIME,
    runtimes,
    sandboxRuntime: v.SANDBOX_RUNTIME,
    outbound: { enabled: v.OUTBOUND_ENABLED, network: v.OUTBOUND_NETWORK },
    queueName: v.QUEUE_NAME,
    workerConcurrency: v.WORKER_CONCURRENCY,
    limits: {
      maxTimeoutSec: v.MAX_TIMEOUT_SEC,
      maxCpuLimit: v.MAX_CPU_LIMIT,
      maxMemLimitMb: v.MAX_MEM_LIMIT_MB,
      maxPidsLimit: v.MAX_PIDS_LIMIT,
    },
    uploads: {
      maxFiles: v.MAX_FILES,
      maxFileBytes: v.MAX_FILE_BYTES,
      maxBodyBytes: v.MAX_BODY_BYTES,
    },
    output: {
      maxLogBytes: v.MAX_LOG_BYTES,
      maxArtifacts: v.MAX_ARTIFACTS,
      maxArtifactBytes: v.MAX_ARTIFACT_BYTES,
      tmpSizeMb: v.TMP_SIZE_MB,
    },
    syncGraceSec: v.SYNC_GRACE_SEC,
    retry: { attempts: v.JOB_ATTEMPTS, backoffMs: v.JOB_BACKOFF_MS },
    retention: {
      completedAgeSec: v.KEEP_COMPLETED_SEC,
      completedCount: v.KEEP_COMPLETED_COUNT,
      failedAgeSec: v.KEEP_FAILED_SEC,
      failedCount: v.KEEP_FAILED_COUNT,
      janitorIntervalSec: v.JANITOR_INTERVAL_SEC,
    },
    lifecycle: {
      lockDurationMs: v.LOCK_DURATION_MS,
      stalledIntervalMs: v.STALLED_INTERVAL_MS,
      maxStalledCount: v.MAX_STALLED_COUNT,
      heartbeatSec: v.WORKER_HEARTBEAT_SEC,
      reaperIntervalSec: v.REAPER_INTERVAL_SEC,
      shutdownGraceSec: v.SHUTDOWN_GRACE_SEC,
    },
    admin: {
      basePath: v.ADMIN_BASE_PATH,
      user: v.ADMIN_USER ?? '',
      password: v.ADMIN_PASSWORD ?? '',
      readOnly: v.ADMIN_READ_ONLY,
      logLines: v.BOARD_LOG_LINES,
    },
    backpressure: {
      maxQueueSize: v.MAX_QUEUE_SIZE,
      retryAfterSec: v.QUEUE_FULL_RETRY_AFTER_SEC,
    },
    apiKeys: {
      keys: String(v.API_KEYS ?? '')
        .split(',')
        .filter(Boolean),
      rateLimit: v.API_RATE_LIMIT,
      rateWindowSec: v.API_RATE_WINDOW_SEC,
    },
  };
}

/** Variables whose values must never be echoed, not even in a configuration error. */
const SECRET_VARIABLES = new Set(['ADMIN_PASSWORD', 'API_KEYS']);

function shown(name: string, env: Record<string, string | undefined>): string {
  if (SECRET_VARIABLES.has(name) && env[name] !== undefined) return '(hidden)';
  return JSON.stringify(env[name]);
}

/** The Redis URL to use when the operator left REDIS_URL empty. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
