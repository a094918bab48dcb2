import type Joi from 'joi';
import { InvalidInputError } from '../errors/invalid-input-error';
import { MalformedInputError } from '../errors/malformed-input-error';
import type { JobSpec } from './job-spec';
import { unknownField } from './unknown-field';

/**
 * Validates a parsed spec; a 422 names every field that is wrong, each as `spec.<field>`, and
 * an unknown field with the closest known name.
 */
export function validateSpec(schema: Joi.ObjectSchema, raw: unknown): JobSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidInputError('spec must be a JSON object', ['spec']);
  }
  const { error, value } = schema.validate(raw);
  if (error) {
    const known = Object.keys((schema.describe() as { keys: object }).keys);
    const messages = error.details.map((d) =>
      d.type === 'object.unknown' && d.path.length === 1
        ? unknownField(String(d.path[0]), known, 'spec.')
        : d.message,
    );
    const fields = [...new Set(error.details.map((d) => `spec.${d.path.join('.')}`))];
    throw new InvalidInputError(`invalid spec: ${messages.join('; ')}`, fields);
  }
  return value as JobSpec;
}

/**
 * The spec as the multipart form carries it (and the JSON form may): JSON text, where empty
 * means every default. Text that is not JSON is a 400 naming `spec`.
 */
export function parseSpecText(raw: string | undefined): unknown {
  if (raw === undefined || raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new MalformedInputError(`spec is not valid JSON: ${(err as Error).message}`, ['spec']);
  }
}
