import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { JobStatus } from '@job-runner/jobs';
import { COMMANDS, type CommandName } from './help-text';
import { UsageError } from './usage-error';

export const DEFAULT_SERVER = 'http://localhost:8000';

/** Where the server is and how to talk to it: options first, then the environment. */
export interface Connection {
  server: string;
  apiKey: string | undefined;
}

export interface RunCommand {
  name: 'run';
  connection: Connection;
  /** The first one is the entry. */
  codeFiles: string[];
  inputFiles: string[];
  args: string[];
  env: Record<string, string>;
  timeoutSec?: number;
  memMb?: number;
  cpus?: number;
  net?: string;
  runtime?: string;
  outDir?: string;
  quiet: boolean;
}

export interface StatusCommand {
  name: 'status';
  connection: Connection;
  jobId: string;
  json: boolean;
}

export interface LogsCommand {
  name: 'logs';
  connection: Connection;
  jobId: string;
  follow: boolean;
}

export interface CancelCommand {
  name: 'cancel';
  connection: Connection;
  jobId: string;
}

export interface ArtifactsCommand {
  name: 'artifacts';
  connection: Connection;
  jobId: string;
  outDir?: string;
}

export interface ListCommand {
  name: 'list';
  connection: Connection;
  status?: JobStatus;
  limit?: number;
  cursor?: string;
  json: boolean;
}

export interface HelpCommand {
  name: 'help';
  topic: CommandName | null;
}

export type Command =
  | RunCommand
  | StatusCommand
  | LogsCommand
  | CancelCommand
  | ArtifactsCommand
  | ListCommand
  | HelpCommand;

type Options = NonNullable<ParseArgsConfig['options']>;

const CONNECTION_OPTIONS = {
  server: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies Options;

const RUN_OPTIONS = {
  ...CONNECTION_OPTIONS,
  input: { type: 'string', short: 'i', multiple: true, default: [] },
  arg: { type: 'string', multiple: true, default: [] },
  env: { type: 'string', short: 'e', multiple: true, default: [] },
  timeout: { type: 'string' },
  mem: { type: 'string' },
  cpu: { type: 'string' },
  net: { type: 'string' },
  runtime: { type: 'string' },
  out: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q', default: false },
} satisfies Options;

const STATUSES: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

/**
 * The command line (without `node` and the script) as a command, or a UsageError naming what
 * is wrong. `-h`/`--help` anywhere before `--` asks for the command's help, whatever else the
 * line holds.
 */
export function parseCommandLine(argv: string[], env: Record<string, string | undefined>): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic === undefined) return { name: 'help', topic: null };
    return { name: 'help', topic: commandName(topic) };
  }
  const name = commandName(first);
  const beforeTerminator = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (beforeTerminator.some((a) => a === '-h' || a === '--help'))
    return { name: 'help', topic: name };
  switch (name) {
    case 'run':
      return parseRun(rest, env);
    case 'status': {
      const { values, positionals } = parse(name, rest, {
        ...CONNECTION_OPTIONS,
        json: { type: 'boolean', default: false },
      });
      return {
        name,
        connection: connection(values, env),
        jobId: oneId(name, positionals),
        json: values.json,
      };
    }
    case 'logs': {
      const { values, positionals } = parse(name, rest, {
        ...CONNECTION_OPTIONS,
        follow: { type: 'boolean', short: 'f', default: false },
      });
      return {
        name,
        connection: connection(values, env),
        jobId: oneId(name, positionals),
        follow: values.follow,
      };
    }
    case 'cancel': {
      const { values, positionals } = parse(name, rest, CONNECTION_OPTIONS);
      return { name, connection: connection(values, env), jobId: oneId(name, positionals) };
    }
    case 'artifacts': {
      const { values, positionals } = parse(name, rest, {
        ...CONNECTION_OPTIONS,
        out: { type: 'string', short: 'o' },
      });
      return {
        name,
        connection: connection(values, env),
        jobId: oneId(name, positionals),
        ...(values.out !== undefined ? { outDir: nonEmpty(name, '--out', values.out) } : {}),
      };
    }
    case 'list':
      return parseList(rest, env);
  }
}

function parseRun(rest: string[], env: Record<string, string | undefined>): RunCommand {
  const { values, tokens } = parse('run', rest, RUN_OPTIONS);
  // Positionals after `--` are the program's arguments, not more code files.
  const terminator = tokens.find((t) => t.kind === 'option-terminator')?.index ?? Infinity;
  const codeFiles: string[] = [];
  const extraArgs: string[] = [];
  for (const t of tokens)
    if (t.kind === 'positional') (t.index > terminator ? extraArgs : codeFiles).push(t.value);
  if (codeFiles.length === 0) throw new UsageError('no code file given', 'run');
  const programEnv: Record<string, string> = {};
  for (const pair of values.env) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env takes NAME=VALUE, not '${pair}'`, 'run');
    programEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const cmd: RunCommand = {
    name: 'run',
    connection: connection(values, env),
    codeFiles,
    inputFiles: values.input,
    args: [...values.arg, ...extraArgs],
    env: programEnv,
    quiet: values.quiet,
  };
  if (values.timeout !== undefined)
    cmd.timeoutSec = wholeNumber('run', '--timeout', values.timeout);
  if (values.mem !== undefined) cmd.memMb = wholeNumber('run', '--mem', values.mem);
  if (values.cpu !== undefined) {
    if (!/^(\d+\.?\d*|\.\d+)$/.test(values.cpu) || Number(values.cpu) <= 0)
      throw new UsageError(`--cpu takes a positive number, not '${values.cpu}'`, 'run');
    cmd.cpus = Number(values.cpu);
  }
  if (values.net !== undefined) cmd.net = values.net;
  if (values.runtime !== undefined) cmd.runtime = values.runtime;
  if (values.out !== undefined) cmd.outDir = nonEmpty('run', '--out', values.out);
  return cmd;
}

function parseList(rest: string[], env: Record<string, string | undefined>): ListCommand {
  const { values, positionals } = parse('list', rest, {
    ...CONNECTION_OPTIONS,
    status: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`, 'list');
  const cmd: ListCommand = { name: 'list', connection: connection(values, env), json: values.json };
  if (values.status !== undefined) {
    const status = STATUSES.find((s) => s === values.status);
    if (!status)
      throw new UsageError(
        `--status takes one of ${STATUSES.join(', ')}, not '${values.status}'`,
        'list',
      );
    cmd.status = status;
  }
  if (values.limit !== undefined) cmd.limit = wholeNumber('list', '--limit', values.limit);
  if (values.cursor !== undefined) cmd.cursor = values.cursor;
  return cmd;
}

function commandName(word: string): CommandName {
  const name = COMMANDS.find((c) => c === word);
  if (!name)
    throw new UsageError(
      word.startsWith('-')
        ? `a command comes first, not the option '${word}'`
        : `unknown command '${word}'`,
    );
  return name;
}

/** util.parseArgs, its errors made one short line naming the option. */
function parse<O extends Options>(command: CommandName, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    // Its messages run on with advice for another tool's users; the first sentence says it.
    const first = (err as Error).message.split(/\.\s/)[0].replace(/\.$/, '');
    throw new UsageError(first.charAt(0).toLowerCase() + first.slice(1), command);
  }
}

function connection(
  values: { server?: string; 'api-key'?: string },
  env: Record<string, string | undefined>,
): Connection {
  const fromOption = values.server !== undefined;
  const server = values.server ?? (env.JOB_RUNNER_URL || DEFAULT_SERVER);
  let url: URL | null = null;
  try {
    url = new URL(server);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new UsageError(
      `${fromOption ? '--server' : 'JOB_RUNNER_URL'} is not an http(s) URL: '${server}'`,
    );
  return { server, apiKey: values['api-key'] ?? (env.JOB_RUNNER_API_KEY || undefined) };
}

function oneId(command: CommandName, positionals: string[]): string {
  if (positionals.length === 0) throw new UsageError('no job id given', command);
  if (positionals.length > 1)
    throw new UsageError(`one job id only, not also '${positionals[1]}'`, command);
  return positionals[0];
}

function wholeNumber(command: CommandName, option: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) === 0)
    throw new UsageError(`${option} takes a whole number above 0, not '${raw}'`, command);
  return Number(raw);
}

function nonEmpty(command: CommandName, option: string, raw: string): string {
  if (raw === '') throw new UsageError(`${option} takes a directory, not an empty string`, command);
  return raw;
}
