import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { badRequest, payloadTooLarge, unprocessable } from '@job-runner/jobs';
import type { FileSet } from './file-set';
import { FILE_FIELDS, type UploadLimits } from './submission';

const MAX_SPEC_BYTES = 1024 * 1024;

/**
 * Streams a multipart body (the legacy form): the `spec` field and `code_files` / `input_files`
 * parts, written straight into staging with their size and count capped. Resolves with the raw
 * spec text (undefined when absent).
 */
export function parseMultipart(
  req: Request,
  fileSet: FileSet,
  limits: UploadLimits,
): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxBodyBytes) {
    return Promise.reject(
      payloadTooLarge(
        `request body of ${declared} bytes is over ${limits.maxBodyBytes} (MAX_BODY_BYTES)`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    let spec: string | undefined;
    let failed = false;
    let received = 0;
    const writes: Promise<void>[] = [];
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          fileSize: limits.maxFileBytes,
          files: limits.maxFiles,
          fields: 50,
          fieldSize: MAX_SPEC_BYTES,
          parts: limits.maxFiles + 50,
        },
      });
    } catch (err) {
      reject(badRequest(`malformed multipart body: ${(err as Error).message}`));
      return;
    }
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      // Let the rest of the body drain so the client reads our answer instead of a reset.
      req.resume();
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBodyBytes)
        fail(payloadTooLarge(`request body is over ${limits.maxBodyBytes} bytes (MAX_BODY_BYTES)`));
    });
    bb.on('field', (name, value, info) => {
      if (name !== 'spec') return;
      if (info.valueTruncated)
        return fail(
          unprocessable(`spec is larger than ${MAX_SPEC_BYTES} bytes`, { field: 'spec' }),
        );
      spec = value;
    });
    bb.on('file', (field, stream, info) => {
      const group = FILE_FIELDS[field];
      if (!group || failed) {
        stream.resume();
        return;
      }
      let target: string;
      try {
        target = fileSet.claim(group, field, info.filename ?? '');
      } catch (err) {
        stream.resume();
        return fail(err);
      }
      let size = 0;
      stream.on('data', (c: Buffer) => (size += c.length));
      stream.on('limit', () => fail(fileSet.tooLarge(field, path.basename(target))));
      writes.push(
        pipeline(stream, fs.createWriteStream(target, { flags: 'wx' }))
          .then(() => fileSet.setSize(group, target, size))
          .catch((err: unknown) => fail(err)),
      );
    });
    bb.on('filesLimit', () =>
      fail(
        unprocessable(
          `too many files: at most ${limits.maxFiles} code and input files in all (MAX_FILES)`,
        ),
      ),
    );
    bb.on('partsLimit', () => fail(unprocessable('too many parts in the multipart body')));
    bb.on('error', (err: Error) => fail(badRequest(`malformed multipart body: ${err.message}`)));
    bb.on('close', () => {
      void Promise.all(writes).then(() => {
        if (!failed) resolve(spec);
      });
    });
    req.pipe(bb);
  });
}
