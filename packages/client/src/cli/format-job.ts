import type { JobView } from '@job-runner/jobs';
import type { ListedJob } from '../job-list';

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);
const mib = (bytes: number | null) =>
  bytes === null ? '-' : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/** The verdict in a few words: `succeeded`, `failed: timeout`, `failed (exit 3)`. */
export function verdict(job: Pick<JobView, 'status' | 'error' | 'exit_code'>): string {
  if (job.status === 'failed' && job.error === 'non-zero exit')
    return `failed (exit ${job.exit_code})`;
  if (job.status === 'failed') return `failed: ${job.error ?? 'unknown'}`;
  return job.status;
}

/** A job for `job-runner status`: one field a line. */
export function formatJob(job: JobView): string {
  const s = job.spec;
  const rows: [string, string][] = [
    ['id', job.id],
    ['status', verdict(job)],
    ['phase', job.phase],
    ['exit code', job.exit_code === null ? '-' : String(job.exit_code)],
    ['created', job.created_at ?? '-'],
    ['started', job.started_at ?? '-'],
    ['finished', job.finished_at ?? '-'],
    ['queue wait', seconds(job.queue_wait_ms)],
    ['duration', seconds(job.duration_ms)],
    ['cpu time', seconds(job.cpu_time_ms)],
    ['peak memory', mib(job.peak_memory_bytes)],
    ['attempts', String(job.attempts)],
    ['sandbox', job.sandbox ?? '-'],
    [
      'spec',
      `${s.entry} ${s.args.join(' ')}`.trim() +
        `; ${s.runtime}, timeout ${s.timeout_sec} s, ${s.mem_limit_mb} MB, ${s.cpu_limit} cpu, ` +
        `${s.pids_limit} pids, net ${s.net_policy}`,
    ],
    ['artifacts', job.artifacts.length ? job.artifacts.join(', ') : '-'],
  ];
  return rows.map(([k, v]) => `${k.padEnd(12)}${v}\n`).join('');
}

/** The header and rows of `job-runner list`. */
export function formatJobTable(jobs: ListedJob[]): string {
  const rows = [
    ['ID', 'STATUS', 'PHASE', 'CREATED', 'QUEUE'],
    ...jobs.map((j) => [
      j.id,
      verdict(j),
      j.phase,
      j.created_at ?? '-',
      typeof j.queue_position === 'number' ? String(j.queue_position) : '-',
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((v, c) => v.padEnd(widths[c]))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
