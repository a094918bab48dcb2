import type { CliIo } from './cli-io';
import { artifactsCommand } from './commands/artifacts-command';
import { cancelCommand } from './commands/cancel-command';
import { listCommand } from './commands/list-command';
import { logsCommand } from './commands/logs-command';
import { runCommand } from './commands/run-command';
import { statusCommand } from './commands/status-command';
import { describeFailure } from './describe-failure';
import { ExitCode } from './exit-codes';
import { helpText } from './help-text';
import { parseCommandLine } from './parse-command-line';

/** The whole CLI but the process: the command line in, the exit status out. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const cmd = parseCommandLine(argv, io.env);
    switch (cmd.name) {
      case 'help':
        io.stdout.write(helpText(cmd.topic));
        return ExitCode.Ok;
      case 'run':
        return await runCommand(cmd, io);
      case 'status':
        return await statusCommand(cmd, io);
      case 'logs':
        return await logsCommand(cmd, io);
      case 'cancel':
        return await cancelCommand(cmd, io);
      case 'artifacts':
        return await artifactsCommand(cmd, io);
      case 'list':
        return await listCommand(cmd, io);
    }
  } catch (err) {
    const { message, exitCode } = describeFailure(err);
    io.stderr.write(`${message}\n`);
    return exitCode;
  }
}
