export { JobRunnerClient } from './job-runner-client';
export type { JobRunnerClientOptions, SubmittedJob, WaitOptions } from './job-runner-client';
export { JobRunnerHttpError } from './job-runner-http-error';
export type { ErrorBody } from './job-runner-http-error';
export { JobRunnerConnectionError } from './job-runner-connection-error';
export type { BodyForm, FileContent, FileMap, JobInput, SubmitOptions } from './job-input';
export type { JobList, ListOptions, ListedJob } from './job-list';
export type { FollowOptions, RunOptions, RunResult, StatusUpdate } from './run-result';
export type { EndEvent, LineEvent, StreamEvent, StreamOptions } from './stream-event';
export { SseParser } from './sse/sse-parser';
export type { SseEvent } from './sse/sse-parser';
export { jobEnded } from './job-ended';
// The wire types, for callers' convenience (type-only: nothing of the server is loaded).
export type { JobPhase, JobSpec, JobStatus, JobView } from '@job-runner/jobs';
