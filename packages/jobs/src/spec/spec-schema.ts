import Joi from 'joi';
import { safeBaseName } from './file-name';

export interface SpecCaps {
  maxTimeoutSec: number;
  maxCpuLimit: number;
  maxMemLimitMb: number;
  maxPidsLimit: number;
}

export interface SpecSchemaOptions {
  caps: SpecCaps;
  runtimes: string[];
  defaultRuntime: string;
}

const cap = (name: string, variable: string, value: number) => ({
  'number.max': `${name} must be at most ${value} (the operator's cap, ${variable})`,
});

/**
 * The job spec, every field optional. Unknown fields are ignored, as the legacy service did, so
 * existing clients that send extras keep working.
 */
export function specSchema({
  caps,
  runtimes,
  defaultRuntime,
}: SpecSchemaOptions): Joi.ObjectSchema {
  return Joi.object({
    entry: Joi.string()
      .default('main.py')
      .custom((v: string, h) => (safeBaseName(v) === v ? v : h.error('any.invalid')))
      .messages({ 'any.invalid': 'entry must be a plain file name in the code directory' })
      .description('file in the code directory run with python'),
    args: Joi.array()
      .items(Joi.string().max(65536))
      .max(1024)
      .default([])
      .description('argv after the entry'),
    runtime: Joi.string()
      .valid(...runtimes)
      .default(defaultRuntime)
      .messages({ 'any.only': `runtime must be one of: ${runtimes.join(', ')}` })
      .description('sandbox image from the runtime registry'),
    timeout_sec: Joi.number()
      .integer()
      .min(1)
      .max(Math.min(600, caps.maxTimeoutSec))
      .default(Math.min(60, caps.maxTimeoutSec))
      .messages(
        caps.maxTimeoutSec < 600 ? cap('timeout_sec', 'MAX_TIMEOUT_SEC', caps.maxTimeoutSec) : {},
      )
      .description('wall-clock limit in seconds'),
    cpu_limit: Joi.number()
      .greater(0)
      .max(caps.maxCpuLimit)
      .default(Math.min(1, caps.maxCpuLimit))
      .messages(cap('cpu_limit', 'MAX_CPU_LIMIT', caps.maxCpuLimit))
      .description('CPUs'),
    mem_limit_mb: Joi.number()
      .integer()
      .greater(32)
      .max(caps.maxMemLimitMb)
      .default(Math.min(512, caps.maxMemLimitMb))
      .messages(cap('mem_limit_mb', 'MAX_MEM_LIMIT_MB', caps.maxMemLimitMb))
      .description('memory limit in MiB, no swap beyond it'),
    pids_limit: Joi.number()
      .integer()
      .greater(0)
      .max(caps.maxPidsLimit)
      .default(Math.min(128, caps.maxPidsLimit))
      .messages(cap('pids_limit', 'MAX_PIDS_LIMIT', caps.maxPidsLimit))
      .description('process and thread limit'),
    net_policy: Joi.string()
      .valid('none', 'outbound')
      .default('none')
      .description('none: loopback only'),
    env: Joi.object()
      .pattern(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, Joi.string().max(32768).allow(''))
      .max(256)
      .default({})
      .options({ stripUnknown: false })
      .messages({
        'object.unknown': 'env names must match [A-Za-z_][A-Za-z0-9_]* and values must be strings',
      })
      .description('extra environment for the program'),
  })
    .options({ stripUnknown: true })
    .prefs({ abortEarly: false, errors: { wrap: { label: false } } });
}
