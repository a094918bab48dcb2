import Joi from 'joi';

/**
 * Joi descriptions of what the API answers. They exist to be rendered into the OpenAPI document
 * beside the request schemas (which are the very ones that validate requests).
 */
const iso = () => Joi.string().isoDate().allow(null);

export const jobViewSchema = Joi.object({
  id: Joi.string().required(),
  spec: Joi.object().description('the validated spec; env values are shown as [redacted]'),
  status: Joi.string().valid('queued', 'running', 'succeeded', 'failed', 'canceled').required(),
  created_at: iso(),
  started_at: iso(),
  finished_at: iso(),
  exit_code: Joi.number().integer().allow(null),
  error: Joi.string()
    .allow(null)
    .description(
      'null, or a short reason: timeout, non-zero exit, oom, missing entry file, canceled, platform error: ...',
    ),
  artifacts: Joi.array().items(Joi.string()),
  phase: Joi.string().valid('queued', 'preparing', 'running', 'collecting', 'finished'),
  attempts: Joi.number().integer(),
  queue_wait_ms: Joi.number().allow(null),
  duration_ms: Joi.number().allow(null),
  cpu_time_ms: Joi.number()
    .allow(null)
    .description(
      "CPU time (user + system) of the program and all it started (the sandbox's cgroup, from the program's start)",
    ),
  peak_memory_bytes: Joi.number().allow(null),
  sandbox: Joi.string()
    .valid('warm', 'cold')
    .allow(null)
    .description('warm: the sandbox came ready from a pool; cold: it was made for the job'),
  queue_position: Joi.number()
    .integer()
    .allow(null)
    .description(
      'while queued: 1 for the next job to start (GET /jobs and GET /jobs/{id} only); else null',
    ),
  callback: Joi.object({
    status: Joi.string()
      .valid('pending', 'delivered', 'failed')
      .required()
      .description('pending until the receiver answered 2xx (delivered) or every attempt failed'),
    attempts: Joi.number().integer().required().description('delivery attempts finished'),
    last_error: Joi.string()
      .allow(null)
      .required()
      .description('why the latest failed attempt failed (HTTP 500, ECONNREFUSED, ...); else null'),
    url: Joi.string().required().description('spec.callback_url'),
  })
    .allow(null)
    .description("the job-end callback's delivery; null when the job has no callback_url")
    .meta({ className: 'CallbackState' }),
}).meta({ className: 'JobView' });

export const errorSchema = Joi.object({
  detail: Joi.string().required().description('what was wrong, naming the field'),
  code: Joi.string()
    .required()
    .description('stable for programs: INVALID_INPUT, JOB_NOT_FOUND, QUEUE_FULL, ...'),
  fields: Joi.array()
    .items(Joi.string())
    .required()
    .description('the fields concerned (spec.timeout_sec, code, ...); empty when none'),
})
  .unknown(true)
  .meta({ className: 'Error' });

const fileContent = Joi.alternatives(
  Joi.string().description('UTF-8 text'),
  Joi.object({ base64: Joi.string().required() }),
);

/** The JSON body form of POST /jobs, around the spec schema that validates `spec`. */
export function jsonSubmissionSchema(spec: Joi.ObjectSchema): Joi.ObjectSchema {
  return Joi.object({
    spec,
    code: Joi.string().description('shorthand: one file named after spec.entry'),
    code_files: Joi.object().pattern(Joi.string(), fileContent).description('file name -> content'),
    input_files: Joi.object()
      .pattern(Joi.string(), fileContent)
      .description('file name -> content'),
  }).meta({ className: 'JsonSubmission' });
}

/** Every answer about a job: its id and status at the top (the legacy shape), the view below. */
const jobBody = (extra: Record<string, Joi.Schema>) =>
  Joi.object({
    job_id: Joi.string().required(),
    status: Joi.string().valid('queued', 'running', 'succeeded', 'failed', 'canceled').required(),
    job: jobViewSchema.required(),
    ...extra,
  });

export const submittedSchema = jobBody({
  warning: Joi.string().description('present when no worker has been alive for a while'),
}).meta({ className: 'Submitted' });

export const jobEnvelopeSchema = jobBody({
  log_lines: Joi.number().integer().required(),
}).meta({ className: 'JobEnvelope' });

export const canceledSchema = jobBody({}).meta({ className: 'CancelResult' });

export const syncResultSchema = jobBody({
  logs: Joi.string().required(),
  artifacts: Joi.array().items(Joi.string()).required(),
}).meta({ className: 'SyncResult' });

export const jobPageSchema = Joi.object({
  jobs: Joi.array().items(jobViewSchema).required(),
  next_cursor: Joi.string().allow(null).required().description('pass as cursor for the next page'),
}).meta({ className: 'JobPage' });

export const readinessSchema = Joi.object({
  status: Joi.string().valid('ready', 'not ready').required(),
  checks: Joi.object().pattern(
    Joi.string(),
    Joi.object({
      ok: Joi.boolean(),
      skipped: Joi.boolean(),
      detail: Joi.string(),
      alive: Joi.number().integer().description('workers alive (the workers check)'),
    }),
  ),
}).meta({ className: 'Readiness' });
