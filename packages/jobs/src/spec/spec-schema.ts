import Joi from 'joi';
import {
  MAX_TIMEOUT_SEC,
  MIN_CPU_LIMIT,
  MIN_MEM_LIMIT_MB,
  MIN_PIDS_LIMIT,
} from '@job-runner/config';
import { safeBaseName } from './file-name';

export interface SpecCaps {
  maxTimeoutSec: number;
  /** Floor of cpu_limit (the sandbox runtime's; default MIN_CPU_LIMIT, the engine's own). */
  minCpuLimit?: number;
  maxCpuLimit: number;
  maxMemLimitMb: number;
  maxPidsLimit: number;
}

export interface SpecSchemaOptions {
  caps: SpecCaps;
  runtimes: string[];
  defaultRuntime: string;
}

/** Bytes of all args together, and of all env names and values together. */
export const MAX_ARGS_BYTES = 64 * 1024;
export const MAX_ENV_BYTES = 64 * 1024;
/** Longest callback_url: what browsers and most servers accept in a request line. */
export const MAX_CALLBACK_URL_LENGTH = 2048;

/** The spec's defaults, before the operator's caps (a cap below one is the default instead). */
const DEFAULTS = { timeout_sec: 60, cpu_limit: 1, mem_limit_mb: 512, pids_limit: 128 };

/** The limits a spec that sets none gets under these caps: also the shape of pooled sandboxes. */
export function defaultLimits(caps: SpecCaps) {
  return {
    timeoutSec: Math.min(DEFAULTS.timeout_sec, caps.maxTimeoutSec, MAX_TIMEOUT_SEC),
    cpus: Math.min(DEFAULTS.cpu_limit, caps.maxCpuLimit),
    memoryMb: Math.min(DEFAULTS.mem_limit_mb, caps.maxMemLimitMb),
    pids: Math.min(DEFAULTS.pids_limit, caps.maxPidsLimit),
  };
}

const cap = (name: string, variable: string, value: number) => ({
  'number.max': `${name} must be at most ${value} (the operator's cap, ${variable})`,
});

/** No NUL: a program's argv and environment cannot hold one (the engine would refuse). */
const text = (max: number) =>
  Joi.string()
    .max(max)
    .pattern(/\0/, { invert: true })
    .messages({ 'string.pattern.invert.base': '{#label} must not contain a NUL character' });

/** Longest spec.name: a list row on the board, not a description. */
export const MAX_NAME_LENGTH = 100;

/**
 * Printable text: no control characters (C0, DEL, C1) and no invisible formatting (zero-width
 * characters, line and paragraph separators, bidirectional overrides that would make a name on
 * the board read as another). Written without Unicode property escapes, so the pattern means
 * the same in the OpenAPI document to any validator.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const PRINTABLE = /^[^\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+$/;

const bytesOf = (strings: string[]) => strings.reduce((n, s) => n + Buffer.byteLength(s) + 1, 0);

/**
 * The job spec, every field optional. Unknown fields are refused by name (a misspelt
 * `timeout` must not silently run with the default), and every limit the engine would refuse is
 * refused here, so it is the client's 422 and never a platform error.
 */
export function specSchema({
  caps,
  runtimes,
  defaultRuntime,
}: SpecSchemaOptions): Joi.ObjectSchema {
  const maxTimeout = Math.min(MAX_TIMEOUT_SEC, caps.maxTimeoutSec);
  const defaults = defaultLimits(caps);
  const minCpu = Math.max(MIN_CPU_LIMIT, caps.minCpuLimit ?? MIN_CPU_LIMIT);
  return Joi.object({
    entry: Joi.string()
      .default('main.py')
      .custom((v: string, h) => (safeBaseName(v) === v ? v : h.error('any.invalid')))
      .messages({ 'any.invalid': 'entry must be a plain file name in the code directory' })
      .description('file in the code directory run with python')
      .example('main.py'),
    args: Joi.array()
      .items(text(65536))
      .max(1024)
      .default([])
      .custom((v: string[], h) => (bytesOf(v) > MAX_ARGS_BYTES ? h.error('array.bytes') : v))
      .messages({ 'array.bytes': `args must hold at most ${MAX_ARGS_BYTES} bytes in all` })
      .description(`argv after the entry (at most ${MAX_ARGS_BYTES} bytes in all)`)
      .example([]),
    runtime: Joi.string()
      .valid(...runtimes)
      .default(defaultRuntime)
      .messages({ 'any.only': `runtime must be one of: ${runtimes.join(', ')}` })
      .description('sandbox image from the runtime registry')
      .example(defaultRuntime),
    timeout_sec: Joi.number()
      .integer()
      .min(1)
      .max(maxTimeout)
      .default(defaults.timeoutSec)
      .messages(
        caps.maxTimeoutSec < MAX_TIMEOUT_SEC
          ? cap('timeout_sec', 'MAX_TIMEOUT_SEC', caps.maxTimeoutSec)
          : {},
      )
      .description('wall-clock limit in seconds')
      .example(30),
    cpu_limit: Joi.number()
      .min(minCpu)
      .max(caps.maxCpuLimit)
      .default(defaults.cpus)
      .messages({
        ...cap('cpu_limit', 'MAX_CPU_LIMIT', caps.maxCpuLimit),
        'number.min':
          minCpu > MIN_CPU_LIMIT
            ? `cpu_limit must be at least ${minCpu} (MIN_CPU_LIMIT: the sandbox runtime's own work runs inside the limit)`
            : `cpu_limit must be at least ${minCpu} (the engine's smallest CPU share)`,
      })
      .description(`CPUs (${minCpu} to the operator's cap)`)
      .example(1),
    mem_limit_mb: Joi.number()
      .integer()
      .min(MIN_MEM_LIMIT_MB)
      .max(caps.maxMemLimitMb)
      .default(defaults.memoryMb)
      .messages({
        ...cap('mem_limit_mb', 'MAX_MEM_LIMIT_MB', caps.maxMemLimitMb),
        'number.min': `mem_limit_mb must be more than 32`,
      })
      .description('memory limit in MiB, no swap beyond it (the job files count against it)')
      .example(512),
    pids_limit: Joi.number()
      .integer()
      .min(MIN_PIDS_LIMIT)
      .max(caps.maxPidsLimit)
      .default(defaults.pids)
      .messages({
        ...cap('pids_limit', 'MAX_PIDS_LIMIT', caps.maxPidsLimit),
        'number.min': `pids_limit must be at least ${MIN_PIDS_LIMIT} (the sandbox itself needs a few processes to bring the files in and collect the artifacts)`,
      })
      .description(`process and thread limit (at least ${MIN_PIDS_LIMIT})`)
      .example(128),
    net_policy: Joi.string()
      .valid('none', 'outbound')
      .default('none')
      .description('none: loopback only; outbound: the internet, never private ranges')
      .example('none'),
    env: Joi.object()
      .pattern(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, text(32768).allow(''))
      .max(256)
      .default({})
      .custom((v: Record<string, string>, h) =>
        bytesOf(Object.entries(v).flat()) > MAX_ENV_BYTES ? h.error('object.bytes') : v,
      )
      .messages({
        'object.unknown': 'env names must match [A-Za-z_][A-Za-z0-9_]* and values must be strings',
        'object.bytes': `env must hold at most ${MAX_ENV_BYTES} bytes of names and values in all`,
      })
      .description(`extra environment for the program (at most ${MAX_ENV_BYTES} bytes in all)`)
      .example({}),
    // Only the form is checked here; where it leads (DNS, address ranges) is checked at
    // submission by vetCallbackUrl, which needs the network.
    callback_url: Joi.string()
      .max(MAX_CALLBACK_URL_LENGTH)
      .uri({ scheme: ['http', 'https'] })
      .messages({
        'string.uriCustomScheme': 'callback_url must be an http or https URL',
        'string.uri': 'callback_url must be an http or https URL',
      })
      .description(
        "POSTed the job's final view, signed (X-Job-Runner-Signature), when the job ends; never to a private, loopback or link-local address",
      )
      .example('https://example.com/hooks/job-runner')
      // joi-to-swagger does not render uri() with schemes; clients still learn it is a URI.
      .meta({ swagger: { format: 'uri' } }),
    name: Joi.string()
      .trim()
      .min(1)
      .max(MAX_NAME_LENGTH)
      .pattern(PRINTABLE)
      .messages({
        'string.pattern.base': 'name must be printable text (no control or invisible characters)',
      })
      .description(
        `the job's name on the admin board (at most ${MAX_NAME_LENGTH} characters); default: the entry and the runtime`,
      )
      .example('nightly sales report'),
  })
    .prefs({ abortEarly: false, errors: { wrap: { label: false } } })
    .meta({ className: 'JobSpec' });
}
