import type { CliIo } from '../cli-io';
import { ExitCode } from '../exit-codes';
import { formatJob } from '../format-job';
import type { StatusCommand } from '../parse-command-line';
import { serverClient } from '../server-client';

/** `job-runner status ID`: the job's view, readable or as JSON. */
export async function statusCommand(cmd: StatusCommand, io: CliIo): Promise<number> {
  const job = await serverClient(cmd.connection).get(cmd.jobId);
  io.stdout.write(cmd.json ? `${JSON.stringify(job, null, 2)}\n` : formatJob(job));
  return ExitCode.Ok;
}
