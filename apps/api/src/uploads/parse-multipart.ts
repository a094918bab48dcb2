import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import {
  InputTooLargeError,
  InvalidInputError,
  MalformedInputError,
  unknownField,
} from '@job-runner/jobs';
import type { FileSet } from './file-set';
import { FILE_FIELDS, type UploadLimits } from './submission';

const MAX_SPEC_BYTES = 1024 * 1024;
const FORM_FIELDS = ['spec', ...Object.keys(FILE_FIELDS)];

/** A part the form does not have is refused by name, as an unknown JSON field is. */
const unknownPart = (name: string) =>
  new InvalidInputError(unknownField(name, FORM_FIELDS, 'form field '), [name]);

/**
 * Requests whose refused body this module reads to its end (within the body cap), so that their
 * connection can stay open for the answer.
 */
export const draining = new WeakSet<object>();

/** The client went away before its body was whole: nobody is left to answer. */
export class RequestAbortedError extends Error {
  readonly type = 'request.aborted';
  constructor() {
    super('the client closed the request before its body was complete');
  }
}

/**
 * Streams a multipart body (the legacy form): the `spec` field and `code_files` / `input_files`
 * parts, written straight into staging with their size and count capped. Resolves with the raw
 * spec text (undefined when absent).
 *
 * On any failure (a cap, a bad part, the client leaving mid-file) every file being written is
 * destroyed and its descriptor closed BEFORE this rejects, so the caller's removal of the
 * staging directory really frees the disk: no descriptor stays open on a deleted file.
 */
export function parseMultipart(
  req: Request,
  fileSet: FileSet,
  limits: UploadLimits,
): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxBodyBytes) {
    return Promise.reject(
      new InputTooLargeError(
        `request body of ${declared} bytes is over ${limits.maxBodyBytes} (MAX_BODY_BYTES)`,
        ['body'],
      ),
    );
  }
  return new Promise((resolve, reject) => {
    let spec: string | undefined;
    let failed = false;
    let received = 0;
    /** File parts being written: destroyed together on failure. */
    const open = new Set<Readable>();
    const writes = new Set<Promise<void>>();
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
      reject(new MalformedInputError(`malformed multipart body: ${(err as Error).message}`));
      return;
    }
    const detach = () => {
      req.off('data', onData);
      req.off('close', onClose);
    };
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      detach();
      req.unpipe(bb);
      // The rest of the body is read and dropped so the client gets to read our answer; past
      // the body cap the connection is cut instead (REQUEST_TIMEOUT_SEC bounds a slow one).
      if (!(err instanceof RequestAbortedError)) {
        draining.add(req);
        req.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > limits.maxBodyBytes) req.destroy();
        });
        req.resume();
      }
      // With an error: a part destroyed without one can look finished and hold its pipeline.
      for (const stream of open) stream.destroy(new Error('upload stopped'));
      // Not from inside one of busboy's own callbacks: it is in the middle of parsing.
      setImmediate(() => bb.destroy());
      // Rejected only once every write has let go of its file.
      void Promise.allSettled([...writes]).then(() => reject(err as Error));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBodyBytes)
        fail(
          new InputTooLargeError(
            `request body is over ${limits.maxBodyBytes} bytes (MAX_BODY_BYTES)`,
            ['body'],
          ),
        );
    };
    const onClose = () => {
      if (!req.complete) fail(new RequestAbortedError());
    };
    req.on('data', onData);
    req.on('close', onClose);
    bb.on('field', (name, value, info) => {
      if (name in FILE_FIELDS)
        return fail(
          new InvalidInputError(
            `${name} must be a file part (curl: -F ${name}=@main.py), not a text field`,
            [name],
          ),
        );
      if (name !== 'spec') return fail(unknownPart(name));
      if (info.valueTruncated)
        return fail(new InvalidInputError(`spec is larger than ${MAX_SPEC_BYTES} bytes`, ['spec']));
      spec = value;
    });
    bb.on('file', (field, stream, info) => {
      // A part cut short by a failure errors; what it meant is reported once, by fail().
      stream.on('error', () => undefined);
      const group = FILE_FIELDS[field];
      if (!group || failed) {
        stream.resume();
        return group ? undefined : fail(unknownPart(field));
      }
      let target: string;
      try {
        target = fileSet.claim(group, field, info.filename ?? '');
      } catch (err) {
        stream.resume();
        return fail(err);
      }
      let size = 0;
      open.add(stream);
      stream.on('data', (c: Buffer) => (size += c.length));
      stream.on('limit', () => fail(fileSet.tooLarge(field, path.basename(target))));
      const write = pipeline(stream, fs.createWriteStream(target, { flags: 'wx' }))
        .then(() => fileSet.setSize(group, target, size))
        .catch((err: unknown) => fail(err))
        .finally(() => {
          open.delete(stream);
          writes.delete(write);
        });
      writes.add(write);
    });
    bb.on('filesLimit', () => fail(fileSet.tooMany('code_files')));
    bb.on('partsLimit', () =>
      fail(new InvalidInputError('too many parts in the multipart body', ['body'])),
    );
    bb.on('error', (err: Error) =>
      fail(new MalformedInputError(`malformed multipart body: ${err.message}`, ['body'])),
    );
    bb.on('close', () => {
      void Promise.allSettled([...writes]).then(() => {
        if (failed) return;
        detach();
        resolve(spec);
      });
    });
    req.pipe(bb);
  });
}
