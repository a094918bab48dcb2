import type { JobData } from '../queue/job-data';
import type { JobSpec } from '../spec/job-spec';

/** What stands in for a secret value wherever one would otherwise be shown or stored. */
export const REDACTED = '[redacted]';

/** The spec with each env value replaced: names stay visible (GET /jobs/{id} shows them). */
export function redactSpec(spec: JobSpec): JobSpec {
  return {
    ...spec,
    env: Object.fromEntries(Object.keys(spec.env ?? {}).map((k) => [k, REDACTED])),
  };
}

/**
 * Job data as the admin board shows it: env values redacted and files reduced to name and size.
 * Values are normally not in Redis at all (see writeJobEnv); this also covers jobs queued before
 * that, or added by hand, and anything else a future field might carry.
 */
export function redactJobData(data: unknown): unknown {
  if (!data || typeof data !== 'object') return data;
  const d = data as Partial<JobData> & Record<string, unknown>;
  const out: Record<string, unknown> = { ...d };
  if (d.spec && typeof d.spec === 'object') out.spec = redactSpec(d.spec);
  if (d.files && typeof d.files === 'object') {
    const list = (l: unknown) =>
      Array.isArray(l)
        ? l.map((f: { name?: unknown; size?: unknown }) => ({ name: f?.name, size: f?.size }))
        : [];
    out.files = { code: list(d.files.code), input: list(d.files.input) };
  }
  return out;
}

/** Secret values worth scrubbing from text: very short ones would blank out ordinary words. */
export const MIN_SCRUBBED_LENGTH = 4;

/**
 * Replaces every occurrence of each env value in `text`, longest first (so none leaks a part).
 * Besides the value itself: each line of a multi-line value (a PEM key printed line by line, or
 * cut by a line-wise log), and its JSON-escaped form (as an error message may quote it).
 */
export function scrubSecrets(text: string, env: Record<string, string>): string {
  const forms = new Set<string>();
  for (const v of Object.values(env)) {
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
    for (const line of v.split(/\r?\n/)) forms.add(line.trim());
  }
  const values = [...forms]
    .filter((v) => v.length >= MIN_SCRUBBED_LENGTH)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const v of values) out = out.split(v).join(REDACTED);
  return out;
}
