import type { JobType, Queue } from 'bullmq';
import { InvalidInputError } from '../errors/invalid-input-error';
import { CREATED_MS_FIELD } from '../queue/bullmq-internals';
import type { JobData } from '../queue/job-data';
import { toJobView, type JobStatus, type JobView } from '../queue/job-view';
import type { RedisClient } from '../queue/redis-client';

/** A job as the listing shows it: its view, and where it stands in the queue while queued. */
export type ListedJob = JobView & { queue_position: number | null };

export interface JobPage {
  jobs: ListedJob[];
  /** Pass it back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

export interface ListQuery {
  status?: JobStatus;
  limit: number;
  cursor?: string;
  /** Only jobs this returns true for (e.g. those of one API key). */
  visible?: (job: JobView, data: JobData) => boolean;
}

export const LIST_DEFAULT_LIMIT = 20;
export const LIST_MAX_LIMIT = 100;

/**
 * Where each status can be found among BullMQ's states (a canceled job sits in two). A paused
 * queue's jobs are in `wait` (BullMQ 6 has no `paused` list).
 */
const STATES_OF: Record<JobStatus, JobType[]> = {
  queued: ['wait', 'prioritized', 'delayed', 'waiting-children'],
  running: ['active'],
  succeeded: ['completed'],
  failed: ['failed'],
  canceled: ['failed', 'wait', 'prioritized', 'delayed'],
};
const ALL_STATES: JobType[] = [...new Set(Object.values(STATES_OF).flat())];
/** States whose jobs are taken in list order: a position in the queue means something there. */
const QUEUE_ORDER: JobType[] = ['wait'];

interface Entry {
  id: string;
  createdMs: number;
}

/**
 * The cursor is the last entry of the page, "<created ms>:<id>": newest first is by creation
 * time, then id, so a page boundary is exact even when jobs arrive or end between pages.
 */
const encodeCursor = (e: Entry) => Buffer.from(`${e.createdMs}:${e.id}`).toString('base64url');

function decodeCursor(cursor: string): Entry {
  const m = /^(\d{1,16}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new InvalidInputError('cursor is not one this listing handed out', ['cursor']);
  return { createdMs: Number(m[1]), id: m[2] };
}

/** Jobs made in the same millisecond are ordered by id: arbitrary, but the same every time. */
const newerFirst = (a: Entry, b: Entry) =>
  b.createdMs - a.createdMs || (a.id === b.id ? 0 : a.id < b.id ? 1 : -1);

/**
 * Lists jobs newest first, a page at a time, from BullMQ's own structures (no index of ours):
 * the ids of every state concerned and their creation times (one pipelined read), then the
 * page's jobs themselves. What the queue holds is bounded (MAX_QUEUE_SIZE waiting, KEEP_*_COUNT
 * ended), so one listing reads at most a few thousand small fields.
 */
export async function listJobs(
  queue: Queue<JobData>,
  redis: RedisClient,
  query: ListQuery,
): Promise<JobPage> {
  const states = query.status ? STATES_OF[query.status] : ALL_STATES;
  const ids = await queue.getRanges(states, 0, -1);
  const inLine = await queue.getRanges(QUEUE_ORDER, 0, -1, true);
  const position = new Map(inLine.map((id, i) => [id, i + 1]));

  const read = redis.pipeline();
  for (const id of ids) read.hget(queue.toKey(id), CREATED_MS_FIELD);
  const created = (await read.exec()) ?? [];
  let entries: Entry[] = ids
    .map((id, i) => ({ id, createdMs: Number(created[i]?.[1] ?? NaN) }))
    // A job removed between the two reads has no timestamp left: it is not listed.
    .filter((e) => Number.isFinite(e.createdMs))
    .sort(newerFirst);
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    entries = entries.filter((e) => newerFirst(after, e) < 0);
  }

  const page: ListedJob[] = [];
  let last: Entry | null = null;
  let i = 0;
  // Jobs are read a little more than a page at a time: a status filter that spans two states
  // (canceled) or a visibility filter drops some.
  while (page.length < query.limit && i < entries.length) {
    const batch = entries.slice(i, i + query.limit + 10);
    const jobs = await Promise.all(
      batch.map(async (e) => {
        // The state first, then the record (see JobService.view).
        const state = await queue.getJobState(e.id);
        const job = await queue.getJob(e.id);
        return job ? { job, state } : null;
      }),
    );
    for (const [k, found] of jobs.entries()) {
      i++;
      if (!found) continue;
      const view = toJobView(found.job, found.state);
      if (query.status && view.status !== query.status) continue;
      if (query.visible && !query.visible(view, found.job.data)) continue;
      page.push({
        ...view,
        queue_position: view.status === 'queued' ? (position.get(view.id) ?? null) : null,
      });
      last = batch[k];
      if (page.length === query.limit) break;
    }
  }
  const more = page.length === query.limit && i < entries.length;
  return { jobs: page, next_cursor: more && last ? encodeCursor(last) : null };
}
