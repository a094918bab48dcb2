import type { Request } from 'express';
import { AppError, badRequest, unprocessable, type JobService } from '@job-runner/jobs';
import { FileSet } from './file-set';
import { parseMultipart } from './parse-multipart';
import { specFromJson, writeJsonFiles } from './parse-json-body';
import type { Submission, UploadLimits } from './submission';

/**
 * Reads either body form of POST /jobs into a validated spec and staged files. On any error the
 * staging area is removed before the error goes on, so a bad request leaves nothing behind.
 */
export async function readSubmission(
  req: Request,
  jobs: JobService,
  limits: UploadLimits,
): Promise<Submission> {
  const isMultipart = req.is('multipart/form-data') === 'multipart/form-data';
  if (!isMultipart && !req.is('application/json')) {
    throw new AppError(
      415,
      'send multipart/form-data (spec, code_files, input_files) or application/json',
      {
        field: 'content-type',
      },
    );
  }
  const staged = await jobs.stage();
  try {
    const fileSet = new FileSet(staged, limits);
    let spec;
    if (isMultipart) {
      const raw = await parseMultipart(req, fileSet, limits);
      spec = jobs.validateSpec(raw === undefined || raw.trim() === '' ? {} : parseSpecText(raw));
    } else {
      const body = req.body as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw unprocessable('JSON body must be an object', { field: 'body' });
      const b = body as Record<string, unknown>;
      spec = jobs.validateSpec(specFromJson(b.spec));
      await writeJsonFiles(b, fileSet);
      if (b.code !== undefined && b.code !== null) {
        if (typeof b.code !== 'string')
          throw unprocessable('code must be a string', { field: 'code' });
        await fileSet.writeBuffer('code', 'code', spec.entry, Buffer.from(b.code, 'utf8'));
      }
    }
    return { spec, staged, files: fileSet.files };
  } catch (err) {
    await jobs.discard(staged);
    throw err;
  }
}

function parseSpecText(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest('spec is not valid JSON', { field: 'spec' });
  }
}
