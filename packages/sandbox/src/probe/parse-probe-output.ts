import type { RuntimeFacts, RuntimePackage } from './runtime-facts';

/** More than any real image holds; past it the output is not a probe's. */
const MAX_PACKAGES = 10_000;
const MAX_TEXT = 200;

type Reported = Omit<RuntimeFacts, 'imageId' | 'probedAt'>;

const text = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
const normal = (name: string) => name.replace(/[-_.]+/g, '-').toLowerCase();

/**
 * Reads the probe's one line of JSON. The image is the operator's, but what runs in it is read
 * like any sandbox output: shapes checked, sizes capped, and the package list sorted and made
 * unique here rather than trusted to be. Returns null when it is not a probe's report.
 */
export function parseProbeOutput(stdout: string): Reported | null {
  const line = stdout.trim().split('\n').pop() ?? '';
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const { language, version, implementation, build, packages } = raw;
  if (language !== 'python' || !text(version) || !text(implementation)) return null;
  if (!Array.isArray(packages) || packages.length > MAX_PACKAGES) return null;
  const byName = new Map<string, RuntimePackage>();
  for (const p of packages as unknown[]) {
    if (!Array.isArray(p) || !text(p[0]) || !text(p[1]) || !p[0]) return null;
    const key = normal(p[0]);
    if (!byName.has(key)) byName.set(key, { name: p[0], version: p[1] });
  }
  return {
    language,
    version,
    implementation,
    build: typeof build === 'string' ? build.slice(0, MAX_TEXT) : version,
    packages: [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, p]) => p),
  };
}
