import type { CliIo } from '../cli-io';
import { ExitCode } from '../exit-codes';
import type { CancelCommand } from '../parse-command-line';
import { serverClient } from '../server-client';

/** `job-runner cancel ID`: a job that has ended answers 409, an error (exit 2). */
export async function cancelCommand(cmd: CancelCommand, io: CliIo): Promise<number> {
  const job = await serverClient(cmd.connection).cancel(cmd.jobId);
  io.stdout.write(`job ${job.id}: ${job.status}\n`);
  return ExitCode.Ok;
}
