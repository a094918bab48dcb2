import { DEFAULT_SERVER, parseCommandLine, type RunCommand } from './parse-command-line';
import { UsageError } from './usage-error';

const parse = (line: string[], env: Record<string, string> = {}) => parseCommandLine(line, env);
const usage = (line: string[]) => {
  try {
    parse(line);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`no usage error for ${line.join(' ')}`);
};

describe('parseCommandLine', () => {
  it('reads run: code files, repeated options, limits, and args after --', () => {
    const cmd = parse([
      'run',
      'main.py',
      'helpers.py',
      '--input',
      'data.csv',
      '-i',
      'b.bin',
      '--arg',
      'a1',
      '--env',
      'K=V=W',
      '-e',
      'EMPTY=',
      '--timeout',
      '30',
      '--mem',
      '256',
      '--cpu',
      '0.5',
      '--net',
      'outbound',
      '-o',
      'out',
      '-q',
      '--',
      '--not-an-option',
      'x.py',
    ]) as RunCommand;
    expect(cmd).toEqual({
      name: 'run',
      connection: { server: DEFAULT_SERVER, apiKey: undefined },
      codeFiles: ['main.py', 'helpers.py'],
      inputFiles: ['data.csv', 'b.bin'],
      args: ['a1', '--not-an-option', 'x.py'],
      env: { K: 'V=W', EMPTY: '' },
      timeoutSec: 30,
      memMb: 256,
      cpus: 0.5,
      net: 'outbound',
      outDir: 'out',
      quiet: true,
    });
  });

  it('takes the server and key from options first, then the environment', () => {
    const env = { JOB_RUNNER_URL: 'http://jr:9000', JOB_RUNNER_API_KEY: 'k-env' };
    expect(parse(['status', 'ID'], env)).toMatchObject({
      connection: { server: 'http://jr:9000', apiKey: 'k-env' },
    });
    expect(
      parse(['status', 'ID', '--server', 'https://x.example', '--api-key', 'k-opt'], env),
    ).toMatchObject({ connection: { server: 'https://x.example', apiKey: 'k-opt' } });
    expect(parse(['cancel', 'ID'])).toMatchObject({
      connection: { server: 'http://localhost:8000', apiKey: undefined },
    });
  });

  it('reads the other commands', () => {
    expect(parse(['status', 'ID', '--json'])).toMatchObject({
      name: 'status',
      jobId: 'ID',
      json: true,
    });
    expect(parse(['logs', 'ID', '-f'])).toMatchObject({ name: 'logs', jobId: 'ID', follow: true });
    expect(parse(['logs', 'ID'])).toMatchObject({ follow: false });
    expect(parse(['cancel', 'ID'])).toMatchObject({ name: 'cancel', jobId: 'ID' });
    expect(parse(['artifacts', 'ID'])).not.toHaveProperty('outDir');
    expect(parse(['artifacts', 'ID', '--out', 'd'])).toMatchObject({ outDir: 'd' });
    expect(
      parse(['list', '--status', 'queued', '--limit', '5', '--cursor', 'c1', '--json']),
    ).toMatchObject({ name: 'list', status: 'queued', limit: 5, cursor: 'c1', json: true });
  });

  it('asks for help with -h or --help anywhere before --, whatever else is there', () => {
    expect(parse(['--help'])).toEqual({ name: 'help', topic: null });
    expect(parse(['help', 'logs'])).toEqual({ name: 'help', topic: 'logs' });
    expect(parse(['run', '--bogus', '-h'])).toEqual({ name: 'help', topic: 'run' });
    expect(parse(['list', '--help'])).toEqual({ name: 'help', topic: 'list' });
    expect(parse(['run', 'm.py', '--', '-h'])).toMatchObject({ name: 'run', args: ['-h'] });
  });

  it('names what is wrong, and the command whose help would tell', () => {
    expect(usage([])).toMatchObject({ message: 'no command given', command: null });
    expect(usage(['frobnicate'])).toMatchObject({ message: "unknown command 'frobnicate'" });
    expect(usage(['--server', 'x', 'run']).message).toMatch(/a command comes first/);
    expect(usage(['run'])).toMatchObject({ message: 'no code file given', command: 'run' });
    expect(usage(['run', 'm.py', '--bogus'])).toMatchObject({
      message: "unknown option '--bogus'",
      command: 'run',
    });
    expect(usage(['run', 'm.py', '--timeout']).message).toMatch(/--timeout.*argument missing/);
    expect(usage(['run', 'm.py', '--timeout', '1.5']).message).toMatch(
      /--timeout takes a whole number above 0, not '1.5'/,
    );
    expect(usage(['run', 'm.py', '--mem', '0']).message).toMatch(/--mem/);
    expect(usage(['run', 'm.py', '--cpu', 'lots']).message).toMatch(/--cpu/);
    expect(usage(['run', 'm.py', '--env', 'NOEQUALS']).message).toMatch(/--env takes NAME=VALUE/);
    expect(usage(['status'])).toMatchObject({ message: 'no job id given', command: 'status' });
    expect(usage(['status', 'a', 'b']).message).toMatch(/one job id only/);
    expect(usage(['list', '--status', 'done']).message).toMatch(/--status takes one of queued/);
    expect(usage(['list', 'extra']).message).toMatch(/unexpected argument 'extra'/);
    expect(usage(['status', 'ID', '--server', 'localhost:8000']).message).toMatch(
      /--server is not an http\(s\) URL/,
    );
    expect(() => parse(['status', 'ID'], { JOB_RUNNER_URL: 'nope' })).toThrow(/JOB_RUNNER_URL/);
  });
});
