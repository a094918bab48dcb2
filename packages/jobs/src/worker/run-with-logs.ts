import type { Job } from 'bullmq';
import type { RunResult, SandboxRunner } from '@job-runner/sandbox';
import { JobLogMirror } from '../logs/job-log-mirror';
import type { LogStore } from '../logs/log-store';
import { LogWriter } from '../logs/log-writer';
import { OutputCapture } from '../logs/output-capture';
import type { JobData, JobPhase } from '../queue/job-data';
import { scrubSecrets } from '../secrets/redact';
import { note } from './job-note';
import type { PreparedRun } from './prepare-run';

export interface RunDeps {
  runner: SandboxRunner;
  logs: LogStore;
  maxLogBytes: number;
  /** Labels for this worker's sandboxes. */
  labels: Record<string, string>;
}

export interface RunWithLogs {
  result: RunResult;
  /** Output bytes past MAX_LOG_BYTES, dropped. */
  droppedBytes: number;
}

/**
 * Step 2: the run itself, its output flowing line by line into the job's log (and the board's
 * mirror, scrubbed of the job's secrets). The log pipeline is closed in every case, the run's
 * failure included, so every line the program printed is stored before anyone ends the log.
 */
export async function runWithLogs(
  job: Job<JobData>,
  run: PreparedRun,
  deps: RunDeps,
  signal: AbortSignal,
  onPhase: (phase: JobPhase) => void,
): Promise<RunWithLogs> {
  const jobId = String(job.id);
  const mirror = new JobLogMirror(job, (t) => scrubSecrets(t, run.env));
  const writer = new LogWriter(deps.logs, jobId, { onFlush: (t) => mirror.write(t) });
  const capture = new OutputCapture({ maxBytes: deps.maxLogBytes, emit: (t) => writer.write(t) });
  const { spec, dirs } = run;
  const closeLogs = async () => {
    capture.end();
    await writer.close();
    await mirror.close();
  };
  let result: RunResult;
  try {
    result = await deps.runner.run({
      jobId,
      image: run.image,
      entry: spec.entry,
      args: spec.args,
      env: run.env,
      limits: {
        timeoutSec: spec.timeout_sec,
        cpus: spec.cpu_limit,
        memoryMb: spec.mem_limit_mb,
        pids: spec.pids_limit,
      },
      netPolicy: spec.net_policy,
      codeDir: dirs.code,
      inputDir: dirs.input,
      outputDir: dirs.output,
      labels: deps.labels,
      signal,
      onOutput: (chunk, stream) => capture.write(chunk, stream),
      onNotice: (message) => capture.write(Buffer.from(note(message)), 'stderr'),
      onPhase,
    });
  } catch (err) {
    // Every line printed before the failure is stored before the caller ends the log.
    await closeLogs().catch(() => undefined);
    throw err;
  }
  // A failed log write fails the job as a platform error.
  await closeLogs();
  return { result, droppedBytes: capture.dropped };
}
