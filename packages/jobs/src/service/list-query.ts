import Joi from 'joi';
import { InvalidInputError } from '../errors/invalid-input-error';
import type { JobStatus } from '../queue/job-view';
import { unknownField } from '../spec/unknown-field';
import { LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT } from './job-listing';

const STATUSES: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

export const listQuerySchema = Joi.object({
  status: Joi.string()
    .valid(...STATUSES)
    .description('only jobs with this status'),
  limit: Joi.number()
    .integer()
    .min(1)
    .max(LIST_MAX_LIMIT)
    .default(LIST_DEFAULT_LIMIT)
    .description(`jobs per page (at most ${LIST_MAX_LIMIT})`),
  cursor: Joi.string().max(200).description("the previous page's next_cursor"),
});

/** The query of GET /jobs, checked like a body: a 422 names each wrong or unknown parameter. */
export function parseListQuery(raw: unknown): {
  status?: JobStatus;
  limit: number;
  cursor?: string;
} {
  const { error, value } = listQuerySchema.validate(raw ?? {}, {
    abortEarly: false,
    convert: true,
  });
  if (error) {
    const known = Object.keys(listQuerySchema.describe().keys ?? {});
    const messages = error.details.map((d) =>
      d.type === 'object.unknown'
        ? unknownField(String(d.path[0]), known, 'query parameter ')
        : d.message.replace(/^"(\w+)"/, 'query parameter $1'),
    );
    throw new InvalidInputError(
      messages.join('; '),
      error.details.map((d) => String(d.path[0])),
    );
  }
  return value as { status?: JobStatus; limit: number; cursor?: string };
}
