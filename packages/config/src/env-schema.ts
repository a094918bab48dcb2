import Joi from 'joi';
import { parseCorsOrigins } from './cors-origins';
import { GVISOR_MIN_CPU_LIMIT, MAX_TIMEOUT_SEC, MIN_CPU_LIMIT } from './limits';
import { parseRedisNodes } from './redis-nodes';

const MiB = 1024 * 1024;
const flag = () => Joi.boolean().truthy('1', 'yes', 'on').falsy('0', 'no', 'off');
const int = () => Joi.number().integer();
/** OpenTelemetry's `key=value,...` lists; empty by default. */
const keyValuePairs = () =>
  Joi.string()
    .allow('')
    .pattern(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/)
    .messages({ 'string.pattern.base': 'must be key=value pairs separated by commas' })
    .default('');

/** OTEL_TRACES_SAMPLER's standard values. */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/**
 * Every environment variable the platform reads, with its default and one line of meaning: the
 * single source of the configuration. `.env.example` and compose.yaml list the same variables
 * (tests compare them with this table), and `EnvValues` below types each one from its schema, so
 * the mapping in load-config.ts cannot read a variable that is not here.
 */
export const envVariables = {
  NODE_ENV: Joi.string()
    .valid('development', 'production', 'test')
    .default('development')
    .description('production switches logs to JSON'),
  LOG_LEVEL: Joi.string()
    .valid('error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly')
    .default('info')
    .description('winston log level'),
  HOST: Joi.string().default('0.0.0.0').description('address the API listens on'),
  PORT: int().min(0).max(65535).default(8000).description('port the API listens on'),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .allow('')
    .default('')
    .description(
      'Redis for the queue and logs; empty: localhost:6379, or a private redis-server that npm start launches',
    ),
  REDIS_CLUSTER_NODES: Joi.string()
    .allow('')
    .default('')
    .custom((v: string, h) => {
      try {
        parseRedisNodes(v);
        return v;
      } catch (err) {
        return h.message({ custom: (err as Error).message });
      }
    })
    // The nodes are reached without a password or TLS: refused rather than silently less safe
    // than the REDIS_URL the operator wrote.
    .when('REDIS_URL', {
      // rediss://, user:password@, or ioredis' ?password= and ?tls= options.
      is: Joi.string().pattern(/^rediss:|^redis:\/\/[^/]*@|[?&](password|tls)=/),
      then: Joi.valid('').messages({
        'any.only':
          'cannot be used with a REDIS_URL that has a password or rediss://: cluster nodes are reached without either (not supported yet)',
      }),
    })
    .description(
      'comma-separated host:port of Redis Cluster nodes (some suffice, the others are found); set: every Redis use goes to the cluster and REDIS_URL is not used (no password or TLS yet)',
    ),
  JOB_DATA_DIR: Joi.string()
    .default('./data')
    .description('where job files (code, inputs, artifacts) are kept'),
  INLINE_WORKER: flag().default(true).description('1: the API process also runs a worker'),
  USE_DOCKER: flag()
    .default(true)
    .description('0: run code as a plain child process (development only, NOT sandboxed)'),
  DOCKER_HOST: Joi.string()
    .allow('')
    .pattern(/^(unix:\/\/\S*|tcp:\/\/[^/\s]+\/?)$/)
    .messages({ 'string.pattern.base': 'must be unix:///path/to/docker.sock or tcp://host:port' })
    .default('')
    .description(
      'Docker engine address: unix:///path/docker.sock or tcp://host:port (plain TCP without DOCKER_TLS_VERIFY=1 gives root on that host to anyone who reaches the port); empty: the local socket',
    ),
  DOCKER_TLS_VERIFY: flag()
    .default(false)
    .description(
      "1: TLS to a tcp:// DOCKER_HOST, the engine's certificate checked against ca.pem and ours presented, as docker --tlsverify",
    ),
  DOCKER_CERT_PATH: Joi.string()
    .allow('')
    .default('')
    .description(
      'directory of ca.pem, cert.pem and key.pem for DOCKER_TLS_VERIFY=1; empty: ~/.docker, as for the docker CLI',
    ),
  JOB_RUN_IMAGE: Joi.string()
    .default('job-runner-exec:latest')
    .description('sandbox image of the default runtime'),
  RUNTIMES: Joi.string()
    .allow('')
    .pattern(/^([a-z0-9][a-z0-9._-]*=[^,=\s]+)(,[a-z0-9][a-z0-9._-]*=[^,=\s]+)*$/)
    .default('')
    .description('extra runtimes as name=image,name=image'),
  DEFAULT_RUNTIME: Joi.string()
    .default('python')
    .description('runtime name of JOB_RUN_IMAGE and the default of spec.runtime'),
  SANDBOX_RUNTIME: Joi.string()
    .allow('')
    .pattern(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
    .default('')
    .description("OCI runtime for sandboxes, e.g. gVisor's runsc; empty: the engine's default"),
  OUTBOUND_ENABLED: flag()
    .default(true)
    .description('0: refuse net_policy outbound jobs; 1: run them on the firewalled bridge'),
  OUTBOUND_NETWORK: Joi.string()
    .pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/)
    .default('job-runner-outbound')
    .description(
      'Docker network the worker creates for outbound jobs, firewalled with iptables (needs root on the Docker host)',
    ),
  QUEUE_NAME: Joi.string()
    .pattern(/^[A-Za-z0-9_-]+$/)
    .default('jobs')
    .description('BullMQ queue name'),
  WORKER_CONCURRENCY: int().min(1).max(64).default(2).description('jobs one worker runs at once'),
  SANDBOX_POOL_SIZE: int()
    .min(0)
    .max(64)
    .description(
      'sandboxes each worker keeps ready per runtime (made ahead, one per job, never reused); empty: WORKER_CONCURRENCY; 0: none',
    ),
  SANDBOX_POOL_MAX_AGE_SEC: int()
    .min(5)
    .default(600)
    .description('a ready sandbox that waited this long is replaced by a fresh one'),

  MAX_TIMEOUT_SEC: int()
    .min(1)
    .max(MAX_TIMEOUT_SEC)
    .default(MAX_TIMEOUT_SEC)
    .description('cap on spec.timeout_sec'),
  MAX_CPU_LIMIT: Joi.number().min(0.01).default(2).description('cap on spec.cpu_limit'),
  MIN_CPU_LIMIT: Joi.number()
    .min(MIN_CPU_LIMIT)
    .max(Joi.ref('MAX_CPU_LIMIT'))
    .description(
      `floor of spec.cpu_limit; empty: ${GVISOR_MIN_CPU_LIMIT} with SANDBOX_RUNTIME=runsc (gVisor's own kernel works inside the limit), else ${MIN_CPU_LIMIT}`,
    ),
  MAX_MEM_LIMIT_MB: int().min(33).default(4096).description('cap on spec.mem_limit_mb'),
  MAX_PIDS_LIMIT: int().min(16).default(1024).description('cap on spec.pids_limit'),

  MAX_FILES: int().min(1).default(100).description('code plus input files per job'),
  MAX_FILE_BYTES: int()
    .min(1)
    .default(20 * MiB)
    .description('bytes per uploaded file'),
  MAX_BODY_BYTES: int()
    .min(1024)
    .default(50 * MiB)
    .description('bytes per multipart request body (413 past it)'),
  MAX_JSON_BODY_BYTES: int()
    .min(1024)
    .default(4 * MiB)
    .description(
      'bytes per JSON request body (413 past it); it is held in memory, so larger files go multipart',
    ),
  REQUEST_TIMEOUT_SEC: int()
    .min(1)
    .default(60)
    .description(
      'time a client has to send a whole request, body included (not the answer: sync waits and SSE streams go on)',
    ),
  MAX_SSE_STREAMS: int()
    .min(1)
    .default(500)
    .description('log streams (SSE) one API process serves at once; 503 past it'),
  MAX_LOG_BYTES: int()
    .min(1024)
    .default(2 * MiB)
    .description('combined output kept per job; the rest is dropped'),
  MAX_ARTIFACTS: int().min(0).default(100).description('artifact files kept per job'),
  MAX_ARTIFACT_BYTES: int()
    .min(1024)
    .default(50 * MiB)
    .description('size of the output directory (and of all artifacts) per job'),
  COLLECT_TIMEOUT_SEC: int()
    .min(1)
    .default(60)
    .description("time allowed for collecting a job's artifacts after its program ended"),
  TMP_SIZE_MB: int().min(1).default(64).description('size of the sandbox /tmp'),

  SYNC_GRACE_SEC: int()
    .min(0)
    .default(30)
    .description('POST /jobs/sync waits timeout_sec plus this before 504'),
  JOB_ATTEMPTS: int()
    .min(1)
    .default(3)
    .description('tries for a job that meets a platform failure'),
  JOB_BACKOFF_MS: int().min(0).default(2000).description('first retry delay, doubled each time'),
  KEEP_COMPLETED_SEC: int()
    .min(0)
    .default(86400)
    .description('a succeeded job, its log and files are removed this long after it ended'),
  KEEP_COMPLETED_COUNT: int()
    .min(1) // 0 would delete a job the moment it ends, before anyone could read it
    .default(100)
    .description('at most this many succeeded jobs are kept'),
  KEEP_FAILED_SEC: int()
    .min(0)
    .default(604800)
    .description(
      'a failed or canceled job, its log and files are removed this long after it ended',
    ),
  KEEP_FAILED_COUNT: int()
    .min(1) // 0 would delete a job the moment it ends, before anyone could read it
    .default(100)
    .description('at most this many failed or canceled jobs are kept'),
  JANITOR_INTERVAL_SEC: int()
    .min(1)
    .default(60)
    .description('how often a worker removes logs and files of jobs that are gone from the queue'),
  LOCK_DURATION_MS: int()
    .min(1000)
    .default(30000)
    .description("job lock of a worker; a dead worker's job is given back this long after it died"),
  STALLED_INTERVAL_MS: int()
    .min(500)
    .default(30000)
    .description('how often workers look for jobs whose worker died'),
  MAX_STALLED_COUNT: int()
    .min(0)
    .default(1)
    .description('reruns of a job whose worker died, before it fails'),
  WORKER_HEARTBEAT_SEC: int()
    .min(1)
    .default(30)
    .description('a worker silent this long is dead and its sandboxes are reaped'),
  REAPER_INTERVAL_SEC: int()
    .min(1)
    .default(60)
    .description('how often a worker removes sandboxes of dead workers'),
  SHUTDOWN_GRACE_SEC: int()
    .min(0)
    .default(30)
    .description('on SIGTERM, running jobs get this long to finish before they are handed back'),

  ADMIN_BASE_PATH: Joi.string()
    .pattern(/^(\/[A-Za-z0-9._-]+)+$/)
    .invalid('/jobs', '/metrics', '/healthz', '/readyz', '/docs')
    .default('/admin/queues')
    .description('where Bull Board is mounted'),
  ADMIN_USER: Joi.string().description(
    'Bull Board user (HTTP Basic); unset with ADMIN_PASSWORD: the board is not mounted',
  ),
  ADMIN_PASSWORD: Joi.string().description('Bull Board password; set both or neither'),
  ADMIN_READ_ONLY: flag()
    .default(true)
    .description('1: the board cannot retry, clean or change jobs (a retry reruns user code)'),
  BOARD_LOG_LINES: int()
    .min(0)
    .max(1000)
    .default(100)
    .description(
      "last lines of a job's output mirrored into its BullMQ log (the board's Logs tab); 0: none",
    ),
  MAX_QUEUE_SIZE: int()
    .min(0)
    .default(1000)
    .description('jobs waiting to start past which submissions get 503; 0: no cap'),
  QUEUE_FULL_RETRY_AFTER_SEC: int().min(1).default(10).description('Retry-After of that 503'),
  API_KEYS: Joi.string()
    .pattern(/^[^,\s]{16,}(,[^,\s]{16,})*$/)
    .messages({
      'string.pattern.base': 'must be comma-separated keys of at least 16 characters, no spaces',
    })
    .description('comma-separated keys that /jobs requires (Bearer or X-API-Key); unset: open'),
  API_RATE_LIMIT: int()
    .min(0)
    .default(600)
    .description('requests per key per API_RATE_WINDOW_SEC, counted in Redis; 0: no limit'),
  API_RATE_WINDOW_SEC: int().min(1).default(60).description('window of API_RATE_LIMIT'),
  CORS_ORIGINS: Joi.string()
    .allow('')
    .default('')
    .custom((v: string, h) => {
      try {
        parseCorsOrigins(v);
        return v;
      } catch (err) {
        return h.message({ custom: (err as Error).message });
      }
    })
    .description(
      'comma-separated origins (https://app.example.com, * for any, null for pages opened from disk) whose pages may call /jobs from the browser; empty: no CORS',
    ),

  CALLBACK_SECRET: Joi.string()
    .min(16)
    .description(
      'key of the HMAC-SHA256 signature on job-end callbacks (spec.callback_url), the same in every API and worker process; unset: submissions with a callback_url are refused (422)',
    ),
  CALLBACK_ATTEMPTS: int()
    .min(1)
    .max(30)
    .default(8)
    .description('tries of a callback delivery (network error, timeout or any non-2xx answer)'),
  CALLBACK_BACKOFF_MS: int()
    .min(0)
    .default(30000)
    .description(
      'first retry delay of a callback, doubled each time (the default 8 attempts span about an hour)',
    ),
  CALLBACK_TIMEOUT_MS: int()
    .min(100)
    .default(10000)
    .description('time one callback attempt has to connect, send and get its answer'),
  CALLBACK_ALLOWED_HOSTS: Joi.string()
    .allow('')
    .pattern(/^[^,\s]+(,[^,\s]+)*$/)
    .default('')
    .description(
      'comma-separated host or host:port that callbacks may reach even at a private, loopback or own address',
    ),
  FILE_STORE: Joi.string()
    .valid('local', 's3')
    .default('local')
    .description(
      'where job files live: local (JOB_DATA_DIR, shared by the API and workers) or s3 (an S3-compatible bucket; no shared disk)',
    ),
  S3_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('')
    .default('')
    .description("S3 API address (MinIO, Ceph, R2...); empty: AWS's own for S3_REGION"),
  S3_BUCKET: Joi.string()
    .allow('')
    .pattern(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
    .default('')
    .description('bucket of job files with FILE_STORE=s3 (it must exist)'),
  S3_REGION: Joi.string().default('us-east-1').description('region of the bucket'),
  S3_ACCESS_KEY_ID: Joi.string()
    .allow('')
    .default('')
    .description(
      "access key id; empty: the AWS SDK's own chain (environment, profile, instance role)",
    ),
  S3_SECRET_ACCESS_KEY: Joi.string()
    .allow('')
    .default('')
    .description('secret access key that goes with S3_ACCESS_KEY_ID'),
  S3_FORCE_PATH_STYLE: flag()
    .default(false)
    .description(
      '1: bucket in the path (http://host/bucket/key), as MinIO and most self-hosted stores want',
    ),
  JOB_SECRETS_KEY: Joi.string()
    .allow('')
    .pattern(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/)
    .messages({
      'string.pattern.base': 'must be 32 bytes: 64 hex digits, or 44 characters of base64',
    })
    .default('')
    .description(
      "32-byte key (64 hex digits or base64) sealing each job's spec.env values with AES-256-GCM, the same in every process; required with FILE_STORE=s3",
    ),
  // OpenTelemetry's own variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/):
  // the ones that decide whether and where traces go are checked here; the exporter reads the
  // rest itself (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION, OTEL_RESOURCE_ATTRIBUTES).
  OTEL_EXPORTER_OTLP_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('')
    .default('')
    .description(
      "OpenTelemetry collector's OTLP/HTTP address (e.g. http://localhost:4318): traces go to <it>/v1/traces; empty (and no OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): no tracing, at no cost",
    ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('')
    .default('')
    .description('full URL for traces alone (…/v1/traces); wins over OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_HEADERS: keyValuePairs().description(
    'headers on every export, key=value,... (percent-encoded values), e.g. an auth token or a Tempo tenant',
  ),
  OTEL_RESOURCE_ATTRIBUTES: keyValuePairs().description(
    "attributes of every span's resource, key=value,... (e.g. deployment.environment=prod)",
  ),
  OTEL_SERVICE_NAME: Joi.string()
    .allow('')
    .default('')
    .description('service.name on the traces; empty: job-runner-api or job-runner-worker'),
  OTEL_TRACES_SAMPLER: Joi.string()
    .valid(...TRACES_SAMPLERS)
    .default('parentbased_always_on')
    .description(
      'which traces are kept: parentbased_* follow a caller that sent a traceparent header',
    ),
  OTEL_TRACES_SAMPLER_ARG: Joi.number()
    .min(0)
    .max(1)
    .default(1)
    .description('the ratio kept by the *traceidratio samplers (0..1)'),
  OTEL_SDK_DISABLED: flag()
    .default(false)
    .description('true: no tracing even with an endpoint set'),
};

/** Variables with no default: absent unless the operator sets them. */
type Optional =
  | 'ADMIN_USER'
  | 'ADMIN_PASSWORD'
  | 'API_KEYS'
  | 'SANDBOX_POOL_SIZE'
  | 'MIN_CPU_LIMIT'
  | 'CALLBACK_SECRET';

type Vars = typeof envVariables;
type Out<S> = S extends Joi.Schema<infer T> ? T : never;
/** The validated environment, each variable typed by its own schema. */
export type EnvValues = {
  [K in keyof Vars]: K extends Optional ? Out<Vars[K]> | undefined : Out<Vars[K]>;
};

export const envSchema = Joi.object(envVariables)
  .when(Joi.object({ FILE_STORE: Joi.valid('s3').required() }).unknown(), {
    then: Joi.object({
      S3_BUCKET: Joi.string()
        .required()
        .messages({ 'any.required': 'is required with FILE_STORE=s3' }),
      JOB_SECRETS_KEY: Joi.string().required().messages({
        'any.required':
          'is required with FILE_STORE=s3 (job secrets are sealed before they leave the API)',
      }),
    }),
  })
  .with('ADMIN_USER', 'ADMIN_PASSWORD')
  .with('ADMIN_PASSWORD', 'ADMIN_USER')
  .unknown(true)
  .prefs({ abortEarly: false, convert: true });

/** A variable's default as `.env.example` and compose.yaml write it ('' when it has none). */
export function shownDefault(name: string): string {
  const def: unknown = (envSchema.extract(name).describe() as { flags?: { default?: unknown } })
    .flags?.default;
  if (typeof def === 'boolean') return def ? '1' : '0';
  return typeof def === 'number' || typeof def === 'string' ? String(def) : '';
}
