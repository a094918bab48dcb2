/** Longest file name accepted, in bytes (the usual filesystem limit). */
export const MAX_FILE_NAME_BYTES = 255;

/**
 * The base name a client-supplied file name lands under, or null when nothing safe is left
 * (empty, `.`, `..`, NUL, over-long). `../../x.py` and `C:\\x\\y.py` keep only their last part.
 */
export function safeBaseName(raw: string): string | null {
  if (raw.includes('\0')) return null;
  const base = raw.split(/[\\/]/).pop() ?? '';
  if (base === '' || base === '.' || base === '..') return null;
  if (Buffer.byteLength(base) > MAX_FILE_NAME_BYTES) return null;
  // Control characters in names make logs and shells lie; refuse them.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\x00-\x1f\x7f]/.test(base)) return null;
  return base;
}
