// How the benchmarks time things and print what they found, in one place.
import { sleep } from './bench-server.mjs';

/** The p-th percentile of `xs` (nearest rank). */
export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
export const median = (xs) => pct(xs, 50);

/** Milliseconds `fn` took. */
export const timed = async (fn) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

/** `count` timed calls of `fn` one after another, `thinkMs` apart, after three untimed ones. */
export async function sequential(fn, count, thinkMs) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const times = [];
  for (let i = 0; i < count; i++) {
    times.push(await timed(fn));
    await sleep(thinkMs);
  }
  return times;
}

export const ms = (x) => `${Math.round(x)} ms`;

/** A Markdown table, as the README shows the figures. */
export function markdownTable(head, rows) {
  const row = (cells) => `| ${cells.join(' | ')} |`;
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}
