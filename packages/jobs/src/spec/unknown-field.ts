import { closest, distance } from 'fastest-levenshtein';

/**
 * How an unknown field is refused: by name, with the closest known one when it is close enough
 * to be a slip (`timeout` -> `timeout_sec`, `cod` -> `code`).
 */
export function unknownField(name: string, known: string[], where: string): string {
  const shown = JSON.stringify(name.slice(0, 100));
  // A name that is the start of a known one (`mem_limit`) means that one; else the closest.
  const near = known.find((k) => k.startsWith(name)) ?? (known.length ? closest(name, known) : '');
  const close =
    near &&
    (distance(name, near) <= Math.max(2, Math.floor(near.length / 3)) ||
      near.startsWith(name) ||
      name.startsWith(near));
  return `${where}${shown} is not a known field${close ? ` (did you mean ${near}?)` : ''}`;
}
