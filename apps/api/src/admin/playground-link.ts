import type { ExternalJobUrl, QueueJobJson } from '@bull-board/api/typings/app';

/**
 * Where a job of the board opens: its page in the playground (`GET /`, `#job=<id>`), which shows
 * its output, verdict and artifacts. Root-relative, so it points at the server the board is on.
 */
export const playgroundLink = (job: QueueJobJson): ExternalJobUrl => ({
  href: `/#job=${encodeURIComponent(String(job.id))}`,
  displayText: 'open in the playground',
});
