import type { JobSpec } from '@job-runner/jobs';

/** A file's content: text (sent as UTF-8) or bytes. */
export type FileContent = string | Uint8Array;

/** File name -> content. Names are base names: the server keeps only the last path part. */
export type FileMap = Record<string, FileContent>;

/** What a job is made of. At least one of `code` and `codeFiles` is needed. */
export interface JobInput {
  /** One code file, named after `spec.entry` (`main.py` by default). */
  code?: string;
  /**
   * Code files for `/workspace/code`. Without `spec.entry`, and with no `main.py` among them,
   * the first one is the entry.
   */
  codeFiles?: FileMap;
  /** Files for `/workspace/input` (`$JOB_INPUT_DIR`). */
  inputFiles?: FileMap;
  /** Any subset of the spec; the server fills in the rest with its defaults. */
  spec?: Partial<JobSpec>;
}

/**
 * How a submission travels: `json` (one document, binary files as base64, at most the server's
 * MAX_JSON_BODY_BYTES, 4 MiB by default), `multipart` (files as parts, up to MAX_BODY_BYTES), or
 * `auto`: JSON unless that would come near the JSON cap.
 */
export type BodyForm = 'auto' | 'json' | 'multipart';

export interface SubmitOptions {
  bodyForm?: BodyForm;
  signal?: AbortSignal;
}
