/**
 * The form of every job id this platform hands out (a random UUID). Anything else is not a job:
 * refusing it before Redis is asked keeps BullMQ's own keys (`meta`, `events`, `id`, ...) from
 * being read or written as if they were jobs.
 */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isJobId = (id: string): boolean => JOB_ID.test(id);
