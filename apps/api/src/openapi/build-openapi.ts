import type Joi from 'joi';
import j2s from 'joi-to-swagger';
import type { Config } from '@job-runner/config';
import { listQuerySchema } from '@job-runner/jobs';
import { runtimeListSchema, runtimeSchema } from './runtime-schemas';
import { jsonSubmissionExamples, multipartSpecExample } from './submission-examples';
import {
  canceledSchema,
  errorSchema,
  jobEnvelopeSchema,
  jobPageSchema,
  jsonSubmissionSchema,
  readinessSchema,
  submittedSchema,
  syncResultSchema,
} from './wire-schemas';

type Doc = Record<string, unknown>;

/**
 * The OpenAPI 3 document of every route. The job spec's schema is the one JobService validates
 * with (caps and runtimes from this configuration), so the document cannot drift from it.
 */
export function buildOpenApi(config: Config, specSchema: Joi.ObjectSchema): Doc {
  // joi-to-swagger returns only the components it added; schemas already known become $refs.
  const schemas: Doc = {};
  const ref = (schema: Joi.Schema): Doc => {
    const out = j2s(schema, { schemas });
    Object.assign(schemas, out.components?.schemas ?? {});
    return out.swagger;
  };
  const json = (schema: Joi.Schema) => ({ 'application/json': { schema: ref(schema) } });
  const error = (description: string) => ({ description, content: json(errorSchema) });
  const keyed = config.apiKeys.keys.length > 0;
  const guarded = (op: Doc): Doc => ({
    ...op,
    ...(keyed ? { security: [{ bearer: [] }, { apiKey: [] }] } : {}),
    responses: {
      ...(op.responses as Doc),
      ...(keyed
        ? {
            401: error('missing or wrong API key'),
            429: error('rate limit of this key reached (see Retry-After)'),
          }
        : {}),
    },
  });
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  // The same operation answers POST /jobs/{id}/cancel and DELETE /jobs/{id}.
  const cancel = guarded({
    summary: 'Cancel a job',
    parameters: [id],
    responses: {
      200: { description: 'canceled', content: json(canceledSchema) },
      404: error('unknown id, or a job of another API key'),
      409: error('already ended'),
    },
  });
  const submitBody = {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'string',
              description: 'the job spec (JobSpec) as a JSON string; empty: every default',
              example: multipartSpecExample,
            },
            code_files: {
              type: 'array',
              items: { type: 'string', format: 'binary' },
              description: 'the program; the one named spec.entry (main.py) runs',
            },
            input_files: {
              type: 'array',
              items: { type: 'string', format: 'binary' },
              description: 'read by the program from JOB_INPUT_DIR (/workspace/input)',
            },
          },
          required: ['code_files'],
        },
      },
      'application/json': {
        schema: ref(jsonSubmissionSchema(specSchema.meta({ className: 'JobSpec' }))),
        examples: jsonSubmissionExamples,
      },
    },
  };
  const submitErrors = {
    400: error('spec is not JSON'),
    413: error('body over MAX_BODY_BYTES'),
    415: error('neither multipart/form-data nor application/json'),
    422: error('spec or files invalid, an unknown field, or no code; the message names each'),
    503: error('queue full (MAX_QUEUE_SIZE); see Retry-After'),
  };
  const text = (description: string, type = 'text/plain') => ({
    description,
    content: { [type]: { schema: { type: 'string' } } },
  });

  const listParameters = Object.entries(
    (listQuerySchema.describe() as { keys: Record<string, { flags?: { description?: string } }> })
      .keys,
  ).map(([name, d]) => ({
    name,
    in: 'query',
    required: false,
    description: d.flags?.description,
    schema: ref(listQuerySchema.extract(name)),
  }));

  const paths: Doc = {
    '/jobs': {
      get: guarded({
        summary: 'List jobs, newest first, a page at a time',
        description: 'With API_KEYS, the jobs of the calling key only.',
        parameters: listParameters,
        responses: {
          200: { description: 'a page', content: json(jobPageSchema) },
          422: error('a query parameter is wrong or unknown; the message names it'),
        },
      }),
      post: guarded({
        summary: 'Queue a job; answers at once',
        requestBody: submitBody,
        responses: {
          200: { description: 'queued', content: json(submittedSchema) },
          ...submitErrors,
        },
      }),
    },
    '/jobs/sync': {
      post: guarded({
        summary: 'Queue a job and wait for its end (timeout_sec + SYNC_GRACE_SEC)',
        requestBody: submitBody,
        responses: {
          200: { description: 'the ended job', content: json(syncResultSchema) },
          ...submitErrors,
          504: error('not ended in time; the job goes on (job_id in the body)'),
        },
      }),
    },
    '/jobs/{id}': {
      get: guarded({
        summary: 'Read a job',
        parameters: [id],
        responses: {
          200: { description: 'the job', content: json(jobEnvelopeSchema) },
          404: error('unknown id, or a job of another API key'),
        },
      }),
      delete: cancel,
    },
    '/jobs/{id}/cancel': {
      post: cancel,
    },
    '/jobs/{id}/logs': {
      get: guarded({
        summary: 'Combined stdout and stderr so far',
        parameters: [id],
        responses: {
          200: text('the output'),
          404: error('unknown id, or a job of another API key'),
        },
      }),
    },
    '/jobs/{id}/logs/stream': {
      get: guarded({
        summary: 'Live output: backlog, then one data event per line, then event: end',
        parameters: [id],
        responses: {
          200: text('Server-Sent Events', 'text/event-stream'),
          404: error('unknown id, or a job of another API key'),
        },
      }),
    },
    '/jobs/{id}/artifacts/{filename}': {
      get: guarded({
        summary: 'A file the job wrote to its output directory',
        description:
          'One byte range (Range: bytes=start-end, start-, -suffix) is answered with 206; several ranges get the whole file (200).',
        parameters: [
          id,
          { name: 'filename', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'range', in: 'header', required: false, schema: { type: 'string' } },
        ],
        responses: {
          200: {
            description: 'the bytes',
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
          206: {
            description: 'the bytes of the range asked for (Content-Range says which)',
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
          404: error('no such regular file'),
          416: error('a range past the end (Content-Range: bytes */size)'),
        },
      }),
    },
    '/runtimes': {
      get: guarded({
        summary: 'The runtimes, with the version and packages probed from each image',
        description:
          'Always 200: a runtime whose image is missing or whose probe failed is listed with available: false and an error.',
        responses: { 200: { description: 'every runtime', content: json(runtimeListSchema) } },
      }),
    },
    '/runtimes/{name}': {
      get: guarded({
        summary: 'One runtime',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: { description: 'the runtime', content: json(runtimeSchema) },
          404: error('no runtime of that name'),
          503: error('not available: image missing, engine away or probe failed (code says which)'),
        },
      }),
    },
    '/healthz': {
      get: {
        summary: 'Liveness: 200 while the process is up',
        responses: { 200: { description: 'up' } },
      },
    },
    '/readyz': {
      get: {
        summary: 'Readiness: Redis, and with a Docker worker in this process the engine and images',
        responses: {
          200: { description: 'ready', content: json(readinessSchema) },
          503: {
            description: 'not ready; checks say which failed',
            content: json(readinessSchema),
          },
        },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { 200: text('Prometheus text format') } },
    },
    '/openapi.json': {
      get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3' } } },
    },
  };

  return {
    openapi: '3.0.3',
    info: {
      title: 'job-runner',
      version: '0.1.0',
      description: 'Runs untrusted Python code in hardened, throw-away sandboxes.',
    },
    paths,
    components: {
      schemas,
      ...(keyed
        ? {
            securitySchemes: {
              bearer: { type: 'http', scheme: 'bearer' },
              apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
            },
          }
        : {}),
    },
  };
}
