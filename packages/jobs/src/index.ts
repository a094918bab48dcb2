export {
  AppError,
  badRequest,
  conflict,
  notFound,
  payloadTooLarge,
  unprocessable,
} from './errors/app-error';
export type { JobSpec } from './spec/job-spec';
export { specSchema } from './spec/spec-schema';
export type { SpecCaps, SpecSchemaOptions } from './spec/spec-schema';
export { validateSpec } from './spec/validate-spec';
export { safeBaseName, MAX_FILE_NAME_BYTES } from './spec/file-name';
export { JobFiles } from './files/job-files';
export type { JobDirs } from './files/job-files';
export { LogStore } from './logs/log-store';
export type { LogEntry, LogRead } from './logs/log-store';
export { LogWriter } from './logs/log-writer';
export { OutputCapture } from './logs/output-capture';
export type { JobData, FileInfo, JobPhase, JobProgress, RunSummary } from './queue/job-data';
export { RUN_JOB } from './queue/job-data';
export { toJobView, isEnded, CANCELED } from './queue/job-view';
export type { JobView, JobStatus } from './queue/job-view';
export { createQueue } from './queue/create-queue';
export { redisConnection } from './queue/redis-connection';
export { waitForRedis, redactRedisUrl } from './queue/wait-for-redis';
export { KEY_PREFIX, keyBase, cancelChannel } from './queue/queue-names';
export { JobWorker, WORKER_LABEL } from './worker/job-worker';
export type { JobWorkerOptions } from './worker/job-worker';
export { WorkerRegistry } from './worker/worker-registry';
export { OrphanReaper } from './worker/orphan-reaper';
export { Janitor } from './retention/janitor';
export type { SweepResult } from './retention/janitor';
export type { RetentionOptions } from './queue/create-queue';
export { JobService } from './service/job-service';
export type { SubmitFiles } from './service/job-service';
export { REDACTED, redactJobData, redactSpec, scrubSecrets } from './secrets/redact';
export { ENV_FILE, readJobEnv, writeJobEnv } from './secrets/job-env-file';
