import type { JobSpec, JobView } from '@job-runner/jobs';
import type { CliIo } from '../cli-io';
import { ExitCode, exitCodeFor } from '../exit-codes';
import { verdict } from '../format-job';
import type { RunCommand } from '../parse-command-line';
import { readJobFiles } from '../read-job-files';
import { serverClient } from '../server-client';
import { Spinner } from '../spinner';

/**
 * `job-runner run`: submits the files, prints the output live on stdout, downloads the
 * artifacts with --out, and answers the program's exit status (see exit-codes.ts). The CLI's own
 * notes go to stderr, so stdout holds the program's output alone. Ctrl-C cancels the job.
 */
export async function runCommand(cmd: RunCommand, io: CliIo): Promise<number> {
  const codeFiles = await readJobFiles(cmd.codeFiles, 'code');
  const inputFiles = await readJobFiles(cmd.inputFiles, 'input');
  const client = serverClient(cmd.connection);
  const spinner =
    io.stderr.isTTY && !cmd.quiet && io.env.TERM !== 'dumb' ? new Spinner(io.stderr) : null;
  const toStderr = (text: string) => io.stderr.write(`job-runner: ${text}\n`);
  const note = (text: string) => {
    if (cmd.quiet) return;
    if (spinner) spinner.above(() => toStderr(text));
    else toStderr(text);
  };
  const interrupt = new AbortController();
  let jobId = '';
  const stopListening = io.onInterrupt(() => {
    if (interrupt.signal.aborted) return io.exitNow(ExitCode.Canceled); // a second Ctrl-C
    note(jobId ? `canceling job ${jobId} (Ctrl-C again to leave at once)` : 'canceling the job');
    interrupt.abort();
  });
  try {
    const result = await client.run(
      { codeFiles, inputFiles, spec: specOf(cmd, Object.keys(codeFiles)[0]) },
      {
        signal: interrupt.signal,
        onSubmitted: (job) => {
          jobId = job.id;
          note(`job ${job.id} submitted`);
        },
        onStatus: ({ phase }) => {
          if (phase === 'finished') spinner?.stop();
          else
            spinner?.show(
              `job ${jobId.slice(0, 8)} ${phase === 'collecting' ? 'collecting artifacts' : phase}`,
            );
        },
        onOutput: (line) => {
          if (spinner) spinner.above(() => io.stdout.write(`${line}\n`));
          else io.stdout.write(`${line}\n`);
        },
      },
    );
    spinner?.stop();
    const code = exitCodeFor(result.job);
    if (code !== ExitCode.Ok) note(`job ${jobId} ${verdict(result.job)} (exit ${code})`);
    await artifacts(cmd, result.job, () => result.saveArtifacts(cmd.outDir!), note);
    return code;
  } catch (err) {
    if (!interrupt.signal.aborted) throw err;
    spinner?.stop();
    note(jobId ? `job ${jobId} canceled` : 'canceled');
    return ExitCode.Canceled;
  } finally {
    spinner?.stop();
    stopListening();
  }
}

function specOf(cmd: RunCommand, entry: string): Partial<JobSpec> {
  const spec: Partial<JobSpec> = { entry };
  if (cmd.args.length) spec.args = cmd.args;
  if (Object.keys(cmd.env).length) spec.env = cmd.env;
  if (cmd.timeoutSec !== undefined) spec.timeout_sec = cmd.timeoutSec;
  if (cmd.memMb !== undefined) spec.mem_limit_mb = cmd.memMb;
  if (cmd.cpus !== undefined) spec.cpu_limit = cmd.cpus;
  // The server names the allowed values in its answer to anything else.
  if (cmd.net !== undefined) spec.net_policy = cmd.net as JobSpec['net_policy'];
  if (cmd.runtime !== undefined) spec.runtime = cmd.runtime;
  return spec;
}

async function artifacts(
  cmd: RunCommand,
  job: JobView,
  save: () => Promise<string[]>,
  note: (text: string) => void,
): Promise<void> {
  const names = job.artifacts;
  if (cmd.outDir === undefined) {
    if (names.length)
      note(
        `${names.length} artifact${names.length > 1 ? 's' : ''} (${names.join(', ')}): ` +
          `--out DIR downloads them, or job-runner artifacts ${job.id} --out DIR`,
      );
    return;
  }
  const saved = await save();
  note(
    `${saved.length} artifact${saved.length === 1 ? '' : 's'} saved in ${cmd.outDir}${saved.length ? `: ${names.join(', ')}` : ''}`,
  );
}
