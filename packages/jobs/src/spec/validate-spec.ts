import type Joi from 'joi';
import { unprocessable } from '../errors/app-error';
import type { JobSpec } from './job-spec';

/** Validates a parsed spec; a 422 names every field that is wrong. */
export function validateSpec(schema: Joi.ObjectSchema, raw: unknown): JobSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw unprocessable('spec must be a JSON object', { field: 'spec' });
  }
  const { error, value } = schema.validate(raw);
  if (error) {
    const fields = [...new Set(error.details.map((d) => d.path.join('.')))];
    throw unprocessable(`invalid spec: ${error.details.map((d) => d.message).join('; ')}`, {
      fields,
    });
  }
  return value as JobSpec;
}
