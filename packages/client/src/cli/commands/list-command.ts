import type { CliIo } from '../cli-io';
import { ExitCode } from '../exit-codes';
import { formatJobTable } from '../format-job';
import type { ListCommand } from '../parse-command-line';
import { serverClient } from '../server-client';

/** `job-runner list`: a page of jobs, newest first; how to get the next page on stderr. */
export async function listCommand(cmd: ListCommand, io: CliIo): Promise<number> {
  const page = await serverClient(cmd.connection).list({
    ...(cmd.status ? { status: cmd.status } : {}),
    ...(cmd.limit !== undefined ? { limit: cmd.limit } : {}),
    ...(cmd.cursor ? { cursor: cmd.cursor } : {}),
  });
  if (cmd.json)
    io.stdout.write(
      `${JSON.stringify({ jobs: page.jobs, next_cursor: page.nextCursor }, null, 2)}\n`,
    );
  else io.stdout.write(formatJobTable(page.jobs));
  if (page.nextCursor !== null && !cmd.json) {
    const same = [cmd.status && `--status ${cmd.status}`, cmd.limit && `--limit ${cmd.limit}`];
    const again = [
      'job-runner list',
      ...same.filter(Boolean),
      `--cursor ${shellWord(page.nextCursor)}`,
    ];
    io.stderr.write(`job-runner: more: ${again.join(' ')}\n`);
  }
  return ExitCode.Ok;
}

/** The cursor is opaque: quoted for a shell unless it plainly needs no quotes. */
const shellWord = (s: string) => (/^[\w.~=:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
