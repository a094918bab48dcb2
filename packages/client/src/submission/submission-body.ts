import type { JobSpec } from '@job-runner/jobs';
import type { BodyForm, FileContent, FileMap, JobInput } from '../job-input';
import { toBase64 } from './to-base64';

/** What `POST /jobs` is sent: a JSON text or a multipart form (fetch sets its content type). */
export interface SubmissionBody {
  body: string | FormData;
  headers: Record<string, string>;
  form: 'json' | 'multipart';
}

/**
 * Below the server's default MAX_JSON_BODY_BYTES (4 MiB) with room for the spec and JSON's
 * escapes: past it, `auto` sends multipart, whose cap (MAX_BODY_BYTES) is much larger.
 */
export const JSON_BODY_BUDGET = 3.5 * 1024 * 1024;

const encoder = new TextEncoder();

/**
 * The body of a submission. `code` is the JSON form's shorthand for one file named after the
 * entry; without an entry in the spec, and no `main.py` among the code files, the first code
 * file is the entry (the server would otherwise look for `main.py` and fail the job).
 */
export function submissionBody(input: JobInput, form: BodyForm = 'auto'): SubmissionBody {
  const spec = specWithEntry(input);
  const useJson =
    form === 'json' || (form === 'auto' && jsonSizeEstimate(input) <= JSON_BODY_BUDGET);
  if (useJson) {
    const text = JSON.stringify({
      spec,
      ...(input.code !== undefined ? { code: input.code } : {}),
      ...(input.codeFiles ? { code_files: jsonFiles(input.codeFiles) } : {}),
      ...(input.inputFiles ? { input_files: jsonFiles(input.inputFiles) } : {}),
    });
    // Escapes can make a text file's JSON much larger than the file: measure what is sent.
    if (form === 'json' || encoder.encode(text).length <= JSON_BODY_BUDGET)
      return { body: text, headers: { 'content-type': 'application/json' }, form: 'json' };
  }
  return { body: multipartBody(input, spec), headers: {}, form: 'multipart' };
}

function specWithEntry(input: JobInput): Partial<JobSpec> {
  const spec = { ...input.spec };
  const names = Object.keys(input.codeFiles ?? {});
  if (
    spec.entry === undefined &&
    input.code === undefined &&
    names.length &&
    !names.includes('main.py')
  )
    spec.entry = names[0];
  return spec;
}

function jsonFiles(files: FileMap): Record<string, string | { base64: string }> {
  const out: Record<string, string | { base64: string }> = {};
  for (const [name, content] of Object.entries(files))
    out[name] = typeof content === 'string' ? content : { base64: toBase64(content) };
  return out;
}

function jsonSizeEstimate(input: JobInput): number {
  const size = (c: FileContent) =>
    typeof c === 'string' ? c.length : Math.ceil(c.byteLength / 3) * 4;
  const files = [...Object.values(input.codeFiles ?? {}), ...Object.values(input.inputFiles ?? {})];
  return files.reduce((n, c) => n + size(c), input.code?.length ?? 0);
}

function multipartBody(input: JobInput, spec: Partial<JobSpec>): FormData {
  const form = new FormData();
  // The spec first: the server reads the parts in order.
  form.append('spec', JSON.stringify(spec));
  if (input.code !== undefined)
    form.append('code_files', blob(input.code), spec.entry ?? 'main.py');
  for (const [field, files] of [
    ['code_files', input.codeFiles],
    ['input_files', input.inputFiles],
  ] as const) {
    for (const [name, content] of Object.entries(files ?? {}))
      form.append(field, blob(content), name);
  }
  return form;
}

function blob(content: FileContent): Blob {
  // A copy: a Blob takes bytes backed by a plain ArrayBuffer only.
  return new Blob([typeof content === 'string' ? content : new Uint8Array(content)], {
    type: 'application/octet-stream',
  });
}
