export { ErrorCode } from './errors/error-code';
export { JobRunnerError } from './errors/job-runner-error';
export { JobNotFoundError } from './errors/job-not-found-error';
export { InvalidInputError } from './errors/invalid-input-error';
export { MalformedInputError } from './errors/malformed-input-error';
export { InputTooLargeError } from './errors/input-too-large-error';
export type { JobSpec } from './spec/job-spec';
export { specSchema, defaultLimits } from './spec/spec-schema';
export { validateSpec, parseSpecText } from './spec/validate-spec';
export { unknownField } from './spec/unknown-field';
export { safeBaseName } from './spec/file-name';
export { JobFiles } from './files/job-files';
export type { JobDirs } from './files/job-files';
export { LocalFileStore } from './files/local-file-store';
export { S3FileStore } from './files/s3-file-store';
export { createFileStore } from './files/create-file-store';
export type { FileStore, StoredArtifact, ByteRange } from './files/file-store';
export { sealEnv, openSealedEnv } from './secrets/sealed-env';
export { LogStore } from './logs/log-store';
export type { LogEntry, LogRead } from './logs/log-store';
export type { JobData, FileInfo, JobPhase, RunSummary } from './queue/job-data';
export { toJobView, hasEnded, WORKER_LOST } from './queue/job-view';
export { boardFailure, explainVerdict } from './queue/board-failure';
export type { BoardFailure, BoardJobJson } from './queue/board-failure';
export { jobName } from './queue/job-name';
export type { JobView, JobStatus } from './queue/job-view';
export { startsOf } from './queue/attempts';
export { isJobId } from './queue/job-id';
export { createQueue } from './queue/create-queue';
export { redisConnection } from './queue/redis-connection';
export { closeOver, CLOSE_GRACE_MS } from './queue/close-over';
export type { ConnectionBehaviour } from './queue/redis-connection';
export { isCluster } from './queue/redis-client';
export type { RedisClient, RedisTarget } from './queue/redis-client';
export { scanKeys } from './queue/scan-keys';
export { RuntimeFactsStore } from './runtimes/runtime-facts-store';
export { redisAnswers } from './queue/redis-answers';
export { waitForRedis } from './queue/wait-for-redis';
export { redactRedisUrl, redisAddress } from './queue/redis-address';
export { CLUSTER_KEY_PREFIX, KEY_PREFIX, keyBase, keyPrefix } from './queue/queue-names';
export { JobWorker, newWorkerId } from './worker/job-worker';
export type { JobWorkerOptions } from './worker/job-worker';
export { WORKER_LABEL, OrphanReaper } from './worker/orphan-reaper';
export { WorkerRegistry } from './worker/worker-registry';
export { Janitor } from './retention/janitor';
export { JobService } from './service/job-service';
export type { OpenArtifact, SubmitFiles } from './service/job-service';
export { LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT } from './service/job-listing';
export type { JobPage, ListedJob, ListQuery } from './service/job-listing';
export { parseListQuery, listQuerySchema } from './service/list-query';
export { redactJobData } from './secrets/redact';
export { callbackQueueName } from './callbacks/callback-queue';
export type { CallbackView } from './callbacks/callback-view';
export {
  EVENT_HEADER,
  JOB_ENDED_EVENT,
  JOB_ID_HEADER,
  SIGNATURE_HEADER,
  signCallback,
} from './callbacks/sign-callback';
export { CallbackTargetError } from './errors/callback-target-error';
