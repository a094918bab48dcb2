import type { CliIo } from '../cli-io';
import { ExitCode, exitCodeFor } from '../exit-codes';
import type { LogsCommand } from '../parse-command-line';
import { serverClient } from '../server-client';

/**
 * `job-runner logs ID`: the output so far, byte for byte. With -f: live to the job's end
 * (resumed across dropped connections), then the job's exit status as `run` gives it. Ctrl-C
 * stops following; the job goes on.
 */
export async function logsCommand(cmd: LogsCommand, io: CliIo): Promise<number> {
  const client = serverClient(cmd.connection);
  if (!cmd.follow) {
    io.stdout.write(await client.logs(cmd.jobId));
    return ExitCode.Ok;
  }
  const stop = new AbortController();
  const stopListening = io.onInterrupt(() => stop.abort());
  try {
    for await (const ev of client.stream(cmd.jobId, { signal: stop.signal }))
      if (ev.type === 'line') io.stdout.write(`${ev.line}\n`);
    return exitCodeFor(await client.wait(cmd.jobId, { signal: stop.signal }));
  } catch (err) {
    if (stop.signal.aborted) return ExitCode.Canceled;
    throw err;
  } finally {
    stopListening();
  }
}
