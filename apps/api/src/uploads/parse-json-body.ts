import { badRequest, unprocessable } from '@job-runner/jobs';
import type { FileSet } from './file-set';
import type { FileGroup } from './submission';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Writes a JSON body's `code_files` / `input_files` maps ({name: text | {base64}}) into staging. */
export async function writeJsonFiles(
  body: Record<string, unknown>,
  fileSet: FileSet,
): Promise<void> {
  for (const [field, group] of [
    ['code_files', 'code'],
    ['input_files', 'input'],
  ] as [string, FileGroup][]) {
    const map = body[field];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map)) {
      throw unprocessable(`${field} must be an object mapping file names to contents`, { field });
    }
    for (const [name, value] of Object.entries(map as Record<string, unknown>)) {
      await fileSet.writeBuffer(group, field, name, decodeContent(field, name, value));
    }
  }
}

/** A file's content: a UTF-8 string, or `{ "base64": "..." }`. */
export function decodeContent(field: string, name: string, value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (
    value &&
    typeof value === 'object' &&
    typeof (value as { base64?: unknown }).base64 === 'string'
  ) {
    const b64 = (value as { base64: string }).base64.replace(/\s+/g, '');
    if (b64.length % 4 !== 0 || !BASE64.test(b64))
      throw unprocessable(`${field}.${name}: base64 is not valid`, { field });
    return Buffer.from(b64, 'base64');
  }
  throw unprocessable(`${field}.${name} must be a string or {"base64": "..."}`, { field });
}

/** The spec of a JSON body: an object, or (as the multipart form has it) a JSON string. */
export function specFromJson(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest('spec is not valid JSON', { field: 'spec' });
  }
}
