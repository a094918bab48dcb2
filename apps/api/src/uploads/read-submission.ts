import type { Request } from 'express';
import { InvalidInputError, parseSpecText, type JobService, type JobSpec } from '@job-runner/jobs';
import { unsupportedMediaType } from '../errors/http-error';
import { FileSet } from './file-set';
import { parseMultipart } from './parse-multipart';
import { checkBodyFields, writeJsonFiles } from './parse-json-body';
import type { Submission, UploadLimits } from './submission';

const MiB = 1024 * 1024;
/** Memory a program needs beside its files, which sit in tmpfs counted against its limit. */
const MEMORY_HEADROOM_MB = 16;

/**
 * Reads either body form of POST /jobs into a validated spec and staged files. On any error the
 * staging area is removed (after every file in it was closed) before the error goes on, so a bad
 * request leaves nothing behind.
 */
export async function readSubmission(
  req: Request,
  jobs: JobService,
  limits: UploadLimits,
): Promise<Submission> {
  const isMultipart = req.is('multipart/form-data') === 'multipart/form-data';
  if (!isMultipart && !req.is('application/json')) {
    throw unsupportedMediaType(
      'send multipart/form-data (spec, code_files, input_files) or application/json',
    );
  }
  const staged = await jobs.stage();
  try {
    const fileSet = new FileSet(staged, limits);
    let spec: JobSpec;
    if (isMultipart) {
      spec = jobs.validateSpec(parseSpecText(await parseMultipart(req, fileSet, limits)));
    } else {
      const body = req.body as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new InvalidInputError('the JSON body must be an object', ['body']);
      const b = body as Record<string, unknown>;
      checkBodyFields(b);
      spec = jobs.validateSpec(typeof b.spec === 'string' ? parseSpecText(b.spec) : (b.spec ?? {}));
      await writeJsonFiles(b, fileSet);
      if (b.code !== undefined && b.code !== null) {
        if (typeof b.code !== 'string')
          throw new InvalidInputError('code must be a string', ['code']);
        await fileSet.writeBuffer('code', 'code', spec.entry, Buffer.from(b.code, 'utf8'));
      }
    }
    checkRunnable(spec, fileSet);
    return { spec, staged, files: fileSet.files };
  } catch (err) {
    await jobs.discard(staged);
    throw err;
  }
}

/** What can be known now never to run is refused now: no code, files that cannot fit. */
function checkRunnable(spec: JobSpec, fileSet: FileSet): void {
  if (fileSet.files.code.length === 0)
    throw new InvalidInputError(
      'no code: send `code` (JSON), `code_files` (a map in JSON, or file parts in multipart/form-data)',
      ['code', 'code_files'],
    );
  const needMb = Math.ceil(fileSet.totalBytes / MiB) + MEMORY_HEADROOM_MB;
  if (needMb > spec.mem_limit_mb)
    throw new InvalidInputError(
      `mem_limit_mb=${spec.mem_limit_mb} is too small for this job's files: they sit in the ` +
        `sandbox's memory, so it needs at least ${needMb} (their size plus ${MEMORY_HEADROOM_MB})`,
      ['spec.mem_limit_mb'],
    );
}
