import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobRunnerClient } from '@job-runner/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/free-port';
import { startTestServer, type TestServer } from '../helpers/test-server';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'packages', 'client', 'bin', 'job-runner.cjs');

interface Cli {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** The exit status (null: ended by a signal). */
  exited: Promise<number | null>;
}

describeDocker('the job-runner CLI', () => {
  let server: TestServer;
  let client: JobRunnerClient;
  let work: string;
  const running: ChildProcess[] = [];

  /** The real CLI in a process of its own: the launcher under node, or `npx job-runner`. */
  function cli(args: string[], opts: { via?: 'npx'; env?: Record<string, string> } = {}): Cli {
    const env = {
      ...process.env,
      JOB_RUNNER_URL: server.url,
      JOB_RUNNER_API_KEY: '',
      // The sources under test, even where an earlier build left a dist/.
      JOB_RUNNER_CLI_FROM_SOURCE: '1',
      ...opts.env,
    };
    const child =
      opts.via === 'npx'
        ? spawn('npx', ['job-runner', ...args], { cwd: ROOT, env })
        : spawn(process.execPath, [BIN, ...args], { cwd: work, env });
    running.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );
    return {
      child,
      get stdout() {
        return stdout;
      },
      get stderr() {
        return stderr;
      },
      exited,
    };
  }

  /** Runs the CLI to its end. */
  async function cliDone(args: string[], opts: { via?: 'npx'; env?: Record<string, string> } = {}) {
    const c = cli(args, opts);
    const code = await c.exited;
    return { code, stdout: c.stdout, stderr: c.stderr };
  }

  const file = (name: string, content: string | Uint8Array) => {
    fs.writeFileSync(path.join(work, name), content);
    return name;
  };
  const submittedId = (stderr: string) => /job ([0-9a-f-]{36}) submitted/.exec(stderr)?.[1];
  const oneLine = (stderr: string) => {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd()).not.toContain('\n');
    return stderr.trimEnd();
  };

  beforeAll(async () => {
    server = await startTestServer();
    client = new JobRunnerClient({ url: server.url });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-cli-'));
    file('sleeper.py', 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)\n');
  });
  afterAll(async () => {
    for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await server?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("through npx from the repository's root: the output on stdout, the program's exit status", async () => {
    file('exit3.py', 'import sys\nprint("a", flush=True)\nprint("b", flush=True)\nsys.exit(3)\n');
    const r = await cliDone(['run', path.join(work, 'exit3.py')], { via: 'npx' });
    expect(r.code).toBe(3);
    // stdout holds the program's output alone; the CLI's notes are on stderr.
    expect(r.stdout).toBe('a\nb\n');
    expect(r.stderr).toMatch(/job [0-9a-f-]{36} submitted/);
    expect(r.stderr).toMatch(/failed \(exit 3\)/);
  });

  it('prints output live, while the program still runs; `cancel` ends it and its run exits 130', async () => {
    const run = cli(['run', 'sleeper.py']);
    await eventually('a line while the program runs', () =>
      Promise.resolve(run.stdout === 'sleeping\n'),
    );
    expect(run.child.exitCode).toBeNull();
    const id = submittedId(run.stderr)!;
    expect(id).toBeDefined();

    const cancel = await cliDone(['cancel', id]);
    expect(cancel).toMatchObject({ code: 0, stdout: `job ${id}: canceled\n` });
    expect(await run.exited).toBe(130);
    const status = await cliDone(['status', id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^status\s+canceled$/m);
  });

  it('Ctrl-C during run cancels the job and exits 130', async () => {
    const run = cli(['run', 'sleeper.py']);
    await eventually('the program runs', () => Promise.resolve(run.stdout.includes('sleeping')));
    const id = submittedId(run.stderr)!;
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr).toContain(`canceling job ${id}`);
    expect((await client.get(id)).status).toBe('canceled');
  });

  it('a timeout exits 124, running out of memory 137', async () => {
    file('slow.py', 'import time\nprint("start", flush=True)\ntime.sleep(30)\n');
    const slow = await cliDone(['run', 'slow.py', '--timeout', '1']);
    expect(slow.code).toBe(124);
    expect(slow.stdout).toContain('start\n');
    expect(slow.stderr).toMatch(/failed: timeout \(exit 124\)/);

    file('hog.py', 'chunks = []\nwhile True:\n    chunks.append(bytearray(8 * 1024 * 1024))\n');
    const hog = await cliDone(['run', 'hog.py', '--mem', '40']);
    expect(hog.code).toBe(137);
    expect(hog.stderr).toMatch(/failed: oom \(exit 137\)/);
  });

  it('--input, --arg, --env and more code files reach the program; --out gets the artifacts', async () => {
    file(
      'main.py',
      [
        'import os, sys',
        'from helper import shout',
        'inp = os.environ["JOB_INPUT_DIR"]',
        'print(shout(open("/workspace/input/data.csv").read().strip()))',
        'print(sys.argv[1:], os.environ["GREETING"])',
        'blob = open(os.path.join(inp, "blob.bin"), "rb").read()',
        'out = os.environ["JOB_OUTPUT_DIR"]',
        'os.makedirs(out + "/sub")',
        'open(out + "/sub/blob.rev", "wb").write(blob[::-1])',
        'open(out + "/summary.txt", "w").write("rows=2\\n")',
      ].join('\n'),
    );
    file('helper.py', 'def shout(s):\n    return s.upper()\n');
    file('data.csv', 'a,b\n1,2\n');
    const blob = Uint8Array.from({ length: 512 }, (_, i) => (i * 13) % 256);
    file('blob.bin', blob);
    const out = path.join(work, 'out');
    const r = await cliDone([
      'run',
      'main.py',
      'helper.py',
      '--input',
      'data.csv',
      '-i',
      'blob.bin',
      '--arg',
      'one',
      '--env',
      'GREETING=hi there',
      '--out',
      out,
      '--',
      '--two',
    ]);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("A,B\n1,2\n['one', '--two'] hi there\n");
    expect(fs.readFileSync(path.join(out, 'summary.txt'), 'utf8')).toBe('rows=2\n');
    expect(new Uint8Array(fs.readFileSync(path.join(out, 'sub', 'blob.rev')))).toEqual(
      blob.slice().reverse(),
    );
    expect(r.stderr).toMatch(/2 artifacts saved in /);
  });

  it('logs -f follows a running job live, each line once, and exits as the job ends', async () => {
    const { id } = await client.submit(
      'import time\nfor i in range(5):\n    print(f"tick {i}", flush=True)\n    time.sleep(0.1)\n' +
        'print("waiting", flush=True)\ntime.sleep(60)',
    );
    const expected = Array.from({ length: 5 }, (_, i) => `tick ${i}\n`).join('') + 'waiting\n';
    const follow = cli(['logs', id, '-f']);
    await eventually('the output so far, while the job runs', () =>
      Promise.resolve(follow.stdout === expected),
    );
    expect(follow.child.exitCode).toBeNull();
    await client.cancel(id);
    expect(await follow.exited).toBe(130); // the job's own end: canceled
    expect(follow.stdout).toBe(expected);
  });

  it('logs, status and artifacts of a job submitted elsewhere', async () => {
    const { job, logs: expected } = await client.run(
      'import os\nfor i in range(3):\n    print(f"line {i}")\n' +
        'open(os.environ["JOB_OUTPUT_DIR"] + "/r.txt", "w").write("done")',
    );
    const id = job.id;
    expect(expected).toBe('line 0\nline 1\nline 2\n');
    const follow = await cliDone(['logs', id, '-f']);
    expect(follow).toMatchObject({ code: 0, stdout: expected });
    const dir = path.join(work, 'got');
    const [logs, status, readable, names, got] = await Promise.all([
      cliDone(['logs', id]),
      cliDone(['status', id, '--json']),
      cliDone(['status', id]),
      cliDone(['artifacts', id]),
      cliDone(['artifacts', id, '--out', dir]),
    ]);
    expect(logs).toMatchObject({ code: 0, stdout: expected });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      id,
      status: 'succeeded',
      artifacts: ['r.txt'],
    });
    expect(readable.stdout).toMatch(/^status\s+succeeded$/m);
    expect(readable.stdout).toMatch(/^artifacts\s+r\.txt$/m);
    expect(names).toMatchObject({ code: 0, stdout: 'r.txt\n' });
    expect(got).toMatchObject({ code: 0, stdout: `${path.join(dir, 'r.txt')}\n` });
    expect(fs.readFileSync(path.join(dir, 'r.txt'), 'utf8')).toBe('done');
  });

  it('list: jobs newest first, filtered by status, as a table or JSON', async () => {
    const { id } = await client.submit('print("listed")');
    await client.wait(id);
    const [table, json] = await Promise.all([
      cliDone(['list', '--limit', '1']),
      cliDone(['list', '--status', 'succeeded', '--json']),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+PHASE\s+CREATED\s+QUEUE$/);
    expect(table.stdout.split('\n')[1]).toMatch(new RegExp(`^${id}\\s+succeeded\\s+finished`));
    expect(table.stderr).toMatch(/more: job-runner list --limit 1 --cursor \S+/);
    const page = JSON.parse(json.stdout) as { jobs: { id: string; status: string }[] };
    expect(page.jobs.map((j) => j.id)).toContain(id);
    expect(page.jobs.every((j) => j.status === 'succeeded')).toBe(true);
  });

  it('bad usage and HTTP errors exit 2 with one line naming what was wrong', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no command given/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['run'], /no code file given \(see job-runner run --help\)/],
      [['run', 'sleeper.py', '--bogus'], /unknown option '--bogus'/],
      [['run', 'sleeper.py', '--timeout', 'soon'], /--timeout takes a whole number/],
      [['run', 'missing.py'], /cannot read missing\.py: no such file/],
      [['status'], /no job id given/],
      // Refused by the server: its detail, naming the field.
      [
        ['run', 'sleeper.py', '--timeout', '100000'],
        /422 INVALID_INPUT: .*timeout_sec.*\[spec\.timeout_sec\]/,
      ],
      [['status', randomUUID()], /404 JOB_NOT_FOUND/],
    ];
    // Each is a process of its own, independent of the others: side by side.
    const results = await Promise.all(cases.map(([args]) => cliDone(args)));
    cases.forEach(([args, message], i) => {
      expect({ args, code: results[i].code }).toEqual({ args, code: 2 });
      expect(oneLine(results[i].stderr)).toMatch(message);
    });
  });

  it('an unreachable server exits 2 saying so', async () => {
    const r = await cliDone(['run', 'sleeper.py'], {
      env: { JOB_RUNNER_URL: `http://127.0.0.1:${await freePort()}` },
    });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('--help for every command; no spinner or escape code on a non-terminal', async () => {
    const commands = ['run', 'status', 'logs', 'cancel', 'artifacts', 'list'];
    const [general, ...pages] = await Promise.all([
      cliDone(['--help']),
      ...commands.map((command) => cliDone([command, '--help'])),
    ]);
    expect(general.code).toBe(0);
    expect(general.stdout).toMatch(/^job-runner: .*\n\nUsage: job-runner <command>/);
    commands.forEach((command, i) => {
      expect(pages[i].code).toBe(0);
      expect(pages[i].stdout).toMatch(new RegExp(`^Usage: job-runner ${command}`));
    });
    file('hello.py', 'print("hello")\n');
    const r = await cliDone(['run', 'hello.py']);
    expect(r).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect(r.stderr).not.toMatch(/\x1b|\r/); // eslint-disable-line no-control-regex
  });

  it('on a terminal, a spinner on stderr shows the phase and the wait, never mixed into output', async () => {
    file('slow.py', 'import time\ntime.sleep(1.5)\nprint("done", flush=True)\n');
    // `script` gives the CLI a real pseudo-terminal (stdout and stderr both on it).
    const command = `'${process.execPath}' '${BIN}' run slow.py`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: work,
      env: {
        ...process.env,
        JOB_RUNNER_URL: server.url,
        JOB_RUNNER_CLI_FROM_SOURCE: '1',
        TERM: 'xterm',
      },
    });
    running.push(child);
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    // A frame, the job, its phase and the time waited so far.
    expect(screen).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] job [0-9a-f]{8} running \d+\.\ds/);
    // The program's line arrives on a line of its own: the spinner was cleared before it.
    expect(screen).toMatch(/\r\x1b\[Kdone\r?\n/); // eslint-disable-line no-control-regex
    // And the spinner is gone at the end: the last thing drawn is a cleared line, not a frame.
    expect(screen.trimEnd()).toMatch(/\x1b\[K$/); // eslint-disable-line no-control-regex
  });
});
