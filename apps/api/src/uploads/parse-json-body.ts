import { InvalidInputError, unknownField } from '@job-runner/jobs';
import type { FileSet } from './file-set';
import type { FileGroup } from './submission';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The fields of the JSON body form; anything else is refused by name. */
export const JSON_BODY_FIELDS = ['spec', 'code', 'code_files', 'input_files'];

/** Refuses fields the JSON body form does not have, naming each (and what was likely meant). */
export function checkBodyFields(body: Record<string, unknown>): void {
  const unknown = Object.keys(body).filter((k) => !JSON_BODY_FIELDS.includes(k));
  if (unknown.length)
    throw new InvalidInputError(
      unknown.map((k) => unknownField(k, JSON_BODY_FIELDS, 'body field ')).join('; '),
      unknown,
    );
}

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
      throw new InvalidInputError(`${field} must be an object mapping file names to contents`, [
        field,
      ]);
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
      throw new InvalidInputError(`${field}.${name}: base64 is not valid`, [field]);
    return Buffer.from(b64, 'base64');
  }
  throw new InvalidInputError(`${field}.${name} must be a string or {"base64": "..."}`, [field]);
}
