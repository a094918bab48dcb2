import { closest, distance } from 'fastest-levenshtein';

/**
 * How an unknown field is refused: by name, with the closest known one when it is close enough
 * to be a slip (`timeout` -> `timeout_sec`, `cod` -> `code`).
 */
export function unknownField(name: string, known: string[], where: string): string {
  const shown = JSON.stringify(name.slice(0, 100));
  const near = nearest(name, known);
  return `${where}${shown} is not a known field${near ? ` (did you mean ${near}?)` : ''}`;
}

const sharedStart = (a: string, b: string) => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

/**
 * The known name this one was most likely meant to be, or null: one it starts (`mem_limit`), one
 * it is a slip away from (`cod`), or one it shares a word's stem with (`inputs`, `input_files`).
 */
function nearest(name: string, known: string[]): string | null {
  if (!known.length) return null;
  const started = known.find((k) => k.startsWith(name));
  if (started) return started;
  const near = closest(name, known);
  if (distance(name, near) <= Math.max(2, Math.floor(near.length / 3)) || name.startsWith(near))
    return near;
  const [best] = [...known].sort((a, b) => sharedStart(name, b) - sharedStart(name, a));
  const shared = sharedStart(name, best);
  return shared >= 4 && shared * 2 >= name.length ? best : null;
}
