/** Longest artifact path we keep, in bytes; deeper or longer names are skipped. */
export const MAX_ARTIFACT_NAME_BYTES = 512;

/**
 * Normalises a path found in the sandbox's output archive to `a/b.txt`, or returns null when it
 * is not a safe relative path (absolute, `..`, NUL, backslash, empty, over-long).
 */
export function safeArtifactName(raw: string): string | null {
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return null;
  if (parts.some((p) => p === '..' || p.includes('\0') || p.includes('\\'))) return null;
  const name = parts.join('/');
  return Buffer.byteLength(name) <= MAX_ARTIFACT_NAME_BYTES ? name : null;
}
