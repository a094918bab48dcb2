import path from 'node:path';
import dotenv from 'dotenv';
import { ConfigError } from './config-error';
import { parseCorsOrigins } from './cors-origins';
import { dockerCertPath, dockerEndpointProblems } from './docker-endpoint-problems';
import { envSchema, type EnvValues, type TracesSampler } from './env-schema';
import { GVISOR_MIN_CPU_LIMIT, MIN_CPU_LIMIT } from './limits';
import { parseRedisNodes } from './redis-nodes';

export interface LoadConfigOptions {
  /** Read `.env` from this directory (default: the current one). Set to null to skip it. */
  dotenvDir?: string | null;
}

/** The Redis URL used when the operator left REDIS_URL empty. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The typed configuration: what `toConfig` makes of the validated environment. */
export type Config = ReturnType<typeof toConfig>;

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
  const problems = dockerEndpointProblems(value as EnvValues);
  if (problems.length) throw new ConfigError(problems);
  return toConfig(value as EnvValues);
}

/** The one mapping from variables to configuration; each variable is read here and only here. */
function toConfig(v: EnvValues) {
  const runtimes: Record<string, string> = {};
  for (const pair of v.RUNTIMES.split(',').filter(Boolean)) {
    const [name, image] = pair.split('=') as [string, string];
    runtimes[name] = image;
  }
  runtimes[v.DEFAULT_RUNTIME] = v.JOB_RUN_IMAGE;

  return {
    nodeEnv: v.NODE_ENV as 'development' | 'production' | 'test',
    logLevel: v.LOG_LEVEL,
    host: v.HOST,
    port: v.PORT,
    /** Resolved: REDIS_URL, or localhost:6379 when it is empty. */
    redisUrl: v.REDIS_URL || DEFAULT_REDIS_URL,
    /** False when REDIS_URL was empty: `npm start` may then start a private redis-server. */
    redisUrlGiven: v.REDIS_URL !== '',
    /** REDIS_CLUSTER_NODES; when there are any, every Redis use goes to that cluster instead. */
    redisClusterNodes: parseRedisNodes(v.REDIS_CLUSTER_NODES),
    jobDataDir: path.resolve(v.JOB_DATA_DIR),
    inlineWorker: v.INLINE_WORKER,
    useDocker: v.USE_DOCKER,
    /**
     * The engine, as the docker CLI's variables say it: its address, TLS (the certificates'
     * directory resolved, ~/.docker when unset), the same for every Docker client made.
     */
    docker: {
      host: v.DOCKER_HOST,
      tlsVerify: v.DOCKER_TLS_VERIFY,
      certPath: dockerCertPath(v.DOCKER_CERT_PATH),
    },
    defaultRuntime: v.DEFAULT_RUNTIME,
    /** Runtime name -> image; always holds `defaultRuntime` -> JOB_RUN_IMAGE. */
    runtimes,
    /** OCI runtime for sandboxes (SANDBOX_RUNTIME); empty: the engine's default. */
    sandboxRuntime: v.SANDBOX_RUNTIME,
    /** net_policy outbound: switched on, and the firewalled Docker network it uses. */
    outbound: { enabled: v.OUTBOUND_ENABLED, network: v.OUTBOUND_NETWORK },
    queueName: v.QUEUE_NAME,
    workerConcurrency: v.WORKER_CONCURRENCY,
    /** Sandboxes made ahead of time, per worker and runtime image. */
    pool: {
      size: v.SANDBOX_POOL_SIZE ?? v.WORKER_CONCURRENCY,
      maxAgeSec: v.SANDBOX_POOL_MAX_AGE_SEC,
    },
    /** The operator's caps on the spec's limits, and the CPU floor of the sandbox runtime. */
    limits: {
      maxTimeoutSec: v.MAX_TIMEOUT_SEC,
      minCpuLimit:
        v.MIN_CPU_LIMIT ??
        Math.min(
          v.SANDBOX_RUNTIME === 'runsc' ? GVISOR_MIN_CPU_LIMIT : MIN_CPU_LIMIT,
          v.MAX_CPU_LIMIT,
        ),
      maxCpuLimit: v.MAX_CPU_LIMIT,
      maxMemLimitMb: v.MAX_MEM_LIMIT_MB,
      maxPidsLimit: v.MAX_PIDS_LIMIT,
    },
    /** What one request may carry. */
    uploads: {
      maxFiles: v.MAX_FILES,
      maxFileBytes: v.MAX_FILE_BYTES,
      maxBodyBytes: v.MAX_BODY_BYTES,
      maxJsonBodyBytes: v.MAX_JSON_BODY_BYTES,
    },
    http: {
      requestTimeoutSec: v.REQUEST_TIMEOUT_SEC,
      maxSseStreams: v.MAX_SSE_STREAMS,
    },
    /** What one run may leave: output, artifacts, and the time to collect them. */
    output: {
      maxLogBytes: v.MAX_LOG_BYTES,
      maxArtifacts: v.MAX_ARTIFACTS,
      maxArtifactBytes: v.MAX_ARTIFACT_BYTES,
      collectTimeoutSec: v.COLLECT_TIMEOUT_SEC,
      tmpSizeMb: v.TMP_SIZE_MB,
    },
    syncGraceSec: v.SYNC_GRACE_SEC,
    retry: { attempts: v.JOB_ATTEMPTS, backoffMs: v.JOB_BACKOFF_MS },
    /** Finished jobs kept in BullMQ (and their logs and files with them). */
    retention: {
      completedAgeSec: v.KEEP_COMPLETED_SEC,
      completedCount: v.KEEP_COMPLETED_COUNT,
      failedAgeSec: v.KEEP_FAILED_SEC,
      failedCount: v.KEEP_FAILED_COUNT,
      janitorIntervalSec: v.JANITOR_INTERVAL_SEC,
    },
    /** Crash recovery and shutdown of workers. */
    lifecycle: {
      lockDurationMs: v.LOCK_DURATION_MS,
      stalledIntervalMs: v.STALLED_INTERVAL_MS,
      maxStalledCount: v.MAX_STALLED_COUNT,
      heartbeatSec: v.WORKER_HEARTBEAT_SEC,
      reaperIntervalSec: v.REAPER_INTERVAL_SEC,
      shutdownGraceSec: v.SHUTDOWN_GRACE_SEC,
    },
    /** Bull Board; `user` is empty when it is not to be mounted. */
    admin: {
      basePath: v.ADMIN_BASE_PATH,
      user: v.ADMIN_USER ?? '',
      password: v.ADMIN_PASSWORD ?? '',
      readOnly: v.ADMIN_READ_ONLY,
      /** Lines of output mirrored into the BullMQ job log (its Logs tab). */
      logLines: v.BOARD_LOG_LINES,
    },
    backpressure: {
      /** Jobs waiting to start past which submissions are refused; 0: no cap. */
      maxQueueSize: v.MAX_QUEUE_SIZE,
      retryAfterSec: v.QUEUE_FULL_RETRY_AFTER_SEC,
    },
    /** Keys for /jobs; empty: open. */
    apiKeys: {
      keys: (v.API_KEYS ?? '').split(',').filter(Boolean),
      rateLimit: v.API_RATE_LIMIT,
      rateWindowSec: v.API_RATE_WINDOW_SEC,
    },
    /** Origins whose pages may call /jobs from a browser (`*`: any); empty: no CORS at all. */
    cors: { origins: parseCorsOrigins(v.CORS_ORIGINS) },
    /** Signed job-end callbacks (spec.callback_url); `secret` is empty when none is set. */
    callbacks: {
      secret: v.CALLBACK_SECRET ?? '',
      attempts: v.CALLBACK_ATTEMPTS,
      backoffMs: v.CALLBACK_BACKOFF_MS,
      timeoutMs: v.CALLBACK_TIMEOUT_MS,
      /** Lower-cased `host` or `host:port` entries exempt from the address checks. */
      allowedHosts: v.CALLBACK_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    },
    /** Where job files live; `s3` holds what the S3 client needs. */
    fileStore:
      v.FILE_STORE === 's3'
        ? {
            kind: 's3' as const,
            endpoint: v.S3_ENDPOINT || undefined,
            bucket: v.S3_BUCKET,
            region: v.S3_REGION,
            credentials: v.S3_ACCESS_KEY_ID
              ? { accessKeyId: v.S3_ACCESS_KEY_ID, secretAccessKey: v.S3_SECRET_ACCESS_KEY }
              : undefined,
            forcePathStyle: v.S3_FORCE_PATH_STYLE,
          }
        : { kind: 'local' as const },
    /**
     * OpenTelemetry traces: `endpoint` is where spans are sent (OTLP over HTTP, protobuf), null
     * when tracing is off (no endpoint, or OTEL_SDK_DISABLED): then nothing is set up at all.
     */
    tracing: {
      endpoint: v.OTEL_SDK_DISABLED
        ? null
        : v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
          (v.OTEL_EXPORTER_OTLP_ENDPOINT
            ? `${v.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
            : null),
      headers: parsePairs(v.OTEL_EXPORTER_OTLP_HEADERS),
      resourceAttributes: parsePairs(v.OTEL_RESOURCE_ATTRIBUTES),
      serviceName: v.OTEL_SERVICE_NAME || null,
      sampler: v.OTEL_TRACES_SAMPLER as TracesSampler,
      samplerRatio: v.OTEL_TRACES_SAMPLER_ARG,
    },
    /** Key sealing spec.env values (32 bytes); null: they are kept in a 0600 file unsealed. */
    secretsKey: v.JOB_SECRETS_KEY ? parseSecretsKey(v.JOB_SECRETS_KEY) : null,
  };
}

/** `key=value,...` (values percent-encoded, as OpenTelemetry's variables write them). */
function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at < 1) continue;
    const value = pair.slice(at + 1).trim();
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // Not percent-encoded after all: kept as written.
    }
    out[pair.slice(0, at).trim()] = decoded;
  }
  return out;
}

/** JOB_SECRETS_KEY as bytes: 64 hex digits, else base64 (the schema allows nothing else). */
function parseSecretsKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/** Variables whose values must never be echoed, not even in a configuration error. */
const SECRET_VARIABLES = new Set([
  'ADMIN_PASSWORD',
  'API_KEYS',
  'CALLBACK_SECRET',
  'S3_SECRET_ACCESS_KEY',
  'JOB_SECRETS_KEY',
  // Often an auth token.
  'OTEL_EXPORTER_OTLP_HEADERS',
]);

function shown(name: string, env: Record<string, string | undefined>): string {
  if (SECRET_VARIABLES.has(name) && env[name] !== undefined) return '(hidden)';
  return JSON.stringify(env[name]);
}
