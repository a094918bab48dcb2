import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDocker } from '../helpers/docker';
import { startTestServer, type TestServer } from '../helpers/test-server';

const ROOT = path.join(__dirname, '..', '..');

/** The ```lang blocks of a README section (from its `## ` heading to the next). */
function codeBlocks(readme: string, section: string, lang = 'sh'): string[] {
  const start = readme.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`README has no "## ${section}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const body = readme.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/**
 * The README's examples run as written, from the repository root, against a real server (its
 * address in place of localhost:8000): a new user's first commands must not fail.
 */
describeDocker('the README examples', () => {
  let server: TestServer;
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /**
   * A copy of the repository's root as a new user has it (examples, package.json and the
   * installed node_modules), so that what an example writes stays out of the real tree.
   */
  const repoCopy = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-root-'));
    fs.cpSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
    for (const name of ['package.json', 'node_modules'])
      fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
    return dir;
  };

  // Asynchronously: the server answers from this very process.
  const run = async (
    script: string,
    { cwd = ROOT, lang = 'sh' }: { cwd?: string; lang?: 'sh' | 'js' } = {},
  ) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    try {
      const file = path.join(home, lang === 'sh' ? 'example.sh' : 'example.js');
      fs.writeFileSync(file, script.replaceAll('localhost:8000', new URL(server.url).host));
      const env = { PATH: process.env.PATH, HOME: home, JOB_RUNNER_URL: server.url };
      const child =
        lang === 'sh'
          ? spawn('bash', ['--norc', '--noprofile', '-euo', 'pipefail', file], { cwd, env })
          : // The package's sources stand in for its build (`npm run build` in the README).
            spawn(
              process.execPath,
              ['--conditions=jr-source', '-r', 'ts-node/register/transpile-only', file],
              {
                cwd,
                env: {
                  ...env,
                  NODE_PATH: path.join(cwd, 'node_modules'),
                  TS_NODE_PROJECT: path.join(ROOT, 'packages', 'client', 'tsconfig.json'),
                  TS_NODE_COMPILER_OPTIONS: '{"module":"commonjs"}',
                },
              },
            );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, out, err };
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  };

  it('"Try it" runs: a sync job, then a multipart job followed live to its artifact', async () => {
    const [block] = codeBlocks(readme, 'Try it');
    const r = await run(block);
    expect({ code: r.code, err: r.err, out: r.code === 0 ? '' : r.out }).toEqual({
      code: 0,
      err: '',
      out: '',
    });
    // The sync answer: pandas' version in the logs of a succeeded job.
    expect(r.out).toMatch(/"status":"succeeded".*"logs":"\d+\.\d+\.\d+\\n"/);
    // The stream, to its end event with the verdict.
    expect(r.out).toContain('data: read 9 rows of city, day, temperature');
    expect(r.out).toMatch(
      /event: end\r?\ndata: \{"status":"succeeded","exit_code":0,"error":null\}/,
    );
    // The job, and the artifact's bytes.
    expect(r.out).toMatch(/"artifacts":\["plot\.png","summary\.csv"\]/);
    expect(r.out).toContain('city,mean,min,max\nLagos,31.2,30.2,32.4\n');
  });

  it('"SDK and CLI" runs: the CLI runs the example into hello-out/ and lists jobs', async () => {
    const [block] = codeBlocks(readme, 'SDK and CLI');
    const cwd = repoCopy();
    try {
      const r = await run(block, { cwd });
      expect({ code: r.code, err: r.code === 0 ? '' : r.err }).toEqual({ code: 0, err: '' });
      expect(r.out).toContain('read 9 rows of city, day, temperature');
      expect(r.err).toContain('2 artifacts saved in hello-out: plot.png, summary.csv');
      expect(fs.readFileSync(path.join(cwd, 'hello-out', 'summary.csv'), 'utf8')).toContain(
        'Lagos,31.2,30.2,32.4',
      );
      expect(r.out).toMatch(/succeeded/); // the list's table, the example's job in it
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('"SDK and CLI" runs: the SDK example prints the output and the verdict', async () => {
    const [block] = codeBlocks(readme, 'SDK and CLI', 'js');
    const cwd = repoCopy();
    try {
      const r = await run(block, { cwd, lang: 'js' });
      expect(r).toEqual({ code: 0, err: '', out: '> 42\nsucceeded 0\n' });
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
