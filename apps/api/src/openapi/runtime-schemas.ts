import Joi from 'joi';

/**
 * Joi descriptions of GET /runtimes and GET /runtimes/{name}, rendered into the OpenAPI
 * document (the shapes of runtimes/runtime-view.ts).
 */
const range = (what: string) =>
  Joi.object({
    default: Joi.number().required().description('what a spec that sets none gets'),
    min: Joi.number().required(),
    max: Joi.number().required().description("the operator's cap"),
  }).description(what);

const nullable = (s: Joi.Schema, what: string) => s.allow(null).required().description(what);

export const runtimeSchema = Joi.object({
  name: Joi.string().required().description('the value of spec.runtime'),
  image: Joi.string().required().description('the sandbox image, as configured'),
  default: Joi.boolean().required().description('whether a spec without runtime gets it'),
  available: Joi.boolean()
    .required()
    .description('false when its image is missing or its probe failed; error says why'),
  error: Joi.object({
    code: Joi.string()
      .valid(
        'RUNTIME_IMAGE_MISSING',
        'RUNTIME_ENGINE_UNREACHABLE',
        'RUNTIME_PROBE_FAILED',
        'RUNTIME_NOT_PROBED',
      )
      .required(),
    detail: Joi.string().required(),
  })
    .allow(null)
    .required(),
  image_id: nullable(Joi.string(), 'the image id the facts below were probed from'),
  language: nullable(Joi.string().valid('python'), 'probed from the image'),
  version: nullable(Joi.string(), 'the interpreter version, e.g. 3.11.2 (probed)'),
  implementation: nullable(Joi.string(), 'e.g. CPython (probed)'),
  build: nullable(Joi.string(), 'sys.version: version, build date, compiler (probed)'),
  packages: nullable(
    Joi.array().items(
      Joi.object({ name: Joi.string().required(), version: Joi.string().required() }),
    ),
    'every distribution the interpreter finds (importlib.metadata), sorted by name (probed)',
  ),
  probed_at: nullable(Joi.string().isoDate(), 'when the probe ran'),
  limits: Joi.object({
    timeout_sec: range('seconds of wall clock'),
    cpu_limit: range('CPUs'),
    mem_limit_mb: range('MiB of memory, no swap'),
    pids_limit: range('processes and threads'),
    output: Joi.object({
      max_log_bytes: Joi.number().integer().required(),
      max_artifacts: Joi.number().integer().required(),
      max_artifact_bytes: Joi.number().integer().required(),
      tmp_size_mb: Joi.number().integer().required(),
    }).required(),
  })
    .required()
    .description("the spec's limits and the output caps a job of this runtime gets"),
}).meta({ className: 'Runtime' });

export const runtimeListSchema = Joi.object({
  runtimes: Joi.array().items(runtimeSchema).required().description('the default runtime first'),
}).meta({ className: 'RuntimeList' });
