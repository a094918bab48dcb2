import { describeDocker } from '../helpers/docker';
import { Client } from '../helpers/client';
import { PlantedSecrets } from '../helpers/planted-secrets';
import { startTestServer, type TestServer } from '../helpers/test-server';

describeDocker('running jobs', () => {
  let server: TestServer;
  let client: Client;
  const secrets = new PlantedSecrets();
  beforeAll(async () => {
    secrets.plant(process.env.TEST_REDIS_URL!);
    server = await startTestServer(secrets.config);
    client = new Client(server.url, secrets.apiKey);
  });
  afterAll(async () => {
    await server.close();
    secrets.restore();
  });

  it('runs the JSON body form with `code` and answers through the sync endpoint', async () => {
    const { job, logs, artifacts } = await client.run('print("hello from json")');
    expect(job).toMatchObject({ status: 'succeeded', exit_code: 0 });
    expect(logs).toBe('hello from json\n');
    expect(artifacts).toEqual([]);
  });

  it('reports a non-zero exit as failed, with its exit code and stderr in the log', async () => {
    const { job, logs } = await client.run(
      'import sys\nprint("about to fail", file=sys.stderr)\nsys.exit(3)',
    );
    expect(job).toMatchObject({ status: 'failed', exit_code: 3, error: 'non-zero exit' });
    expect(logs).toContain('about to fail');
  });

  it('keeps everything written to stderr just before the end, however it interleaves', async () => {
    const { job, logs } = await client.run(
      [
        'import sys',
        'print("out", flush=True)',
        'sys.stderr.write("".join("err %04d\\n" % i for i in range(3000)))',
        'sys.stderr.write("last words on stderr\\n")',
        'sys.exit(4)',
      ].join('\n'),
    );
    expect(job).toMatchObject({ status: 'failed', exit_code: 4 });
    // Every stderr line, in order, the last one too (checked as counts: the log is long).
    // The two streams are two pipes: how stdout's line falls among them is not defined.
    const stderr = logs
      .trimEnd()
      .split('\n')
      .filter((l) => l !== 'out');
    expect(stderr.filter((l, i) => l === `err ${String(i).padStart(4, '0')}`).length).toBe(3000);
    expect(stderr.at(-1)).toBe('last words on stderr');
    expect(logs).toContain('out\n');
  });

  it('fails a job whose entry file is missing, without running anything', async () => {
    const res = await client.sync({
      spec: { entry: 'absent.py' },
      code_files: { 'main.py': 'print(1)' },
    });
    expect(res.status).toBe(200);
    expect(res.body.job).toMatchObject({
      status: 'failed',
      error: 'missing entry file',
      exit_code: null,
    });
    expect(res.body.logs).toContain('absent.py');
  });

  it('passes args, env and input files to the program', async () => {
    const code = [
      'import os, sys, json',
      'inp = open(os.path.join(os.environ["JOB_INPUT_DIR"], "data.txt")).read()',
      'raw = open(os.path.join(os.environ["JOB_INPUT_DIR"], "blob.bin"), "rb").read()',
      'print(json.dumps({"args": sys.argv[1:], "greeting": os.environ["GREETING"], "input": inp, "raw": list(raw), "job": os.environ["JOB_ID"], "cwd": os.getcwd()}))',
    ].join('\n');
    const { job, logs } = await client.run(
      code,
      { args: ['one', 'two words'], env: { GREETING: 'hi there' } },
      {
        input_files: {
          'data.txt': 'input text',
          'blob.bin': { base64: Buffer.from([0, 1, 255]).toString('base64') },
        },
      },
    );
    expect(job.status).toBe('succeeded');
    expect(JSON.parse(logs)).toEqual({
      args: ['one', 'two words'],
      greeting: 'hi there',
      input: 'input text',
      raw: [0, 1, 255],
      job: job.id,
      cwd: '/workspace/code',
    });
  });

  it('gives the program none of the platform environment', async () => {
    const { logs } = await client.run('import os, json\nprint(json.dumps(dict(os.environ)))');
    const env = JSON.parse(logs) as Record<string, string>;
    for (const planted of secrets.forbidden(server.redisUrl))
      expect([planted, JSON.stringify(env).includes(planted)]).toEqual([planted, false]);
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['JOB_ID', 'JOB_INPUT_DIR', 'JOB_OUTPUT_DIR']),
    );
  });

  it('does not run the program as root', async () => {
    const { logs } = await client.run('import os\nprint(os.getuid(), os.geteuid(), os.getgid())');
    const [uid, euid, gid] = logs.trim().split(' ').map(Number);
    expect(uid).not.toBe(0);
    expect(euid).not.toBe(0);
    expect(gid).not.toBe(0);
  });

  it('lets the program write only to /tmp and the output directory', async () => {
    const code = `
import os
results = {}
for d in ["/", "/etc", "/usr", "/workspace", "/workspace/code", "/workspace/input", "/var/tmp", "/home", "/root", "/tmp", os.environ["JOB_OUTPUT_DIR"]]:
    try:
        with open(os.path.join(d, "probe.txt"), "w") as f:
            f.write("x")
        results[d] = "written"
    except OSError as e:
        results[d] = "refused"
for d, r in sorted(results.items()):
    print(d, r)
`;
    const { logs, artifacts } = await client.run(code);
    const lines = Object.fromEntries(
      logs
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    expect(lines['/tmp']).toBe('written');
    expect(lines['/workspace/output']).toBe('written');
    for (const d of [
      '/',
      '/etc',
      '/usr',
      '/workspace',
      '/workspace/code',
      '/workspace/input',
      '/var/tmp',
      '/home',
      '/root',
    ]) {
      expect([d, lines[d]]).toEqual([d, 'refused']);
    }
    expect(artifacts).toEqual(['probe.txt']);
  });

  it('serves artifacts by name and answers 404 to traversal, links and directories', async () => {
    const code = `
import os
out = os.environ["JOB_OUTPUT_DIR"]
open(os.path.join(out, "ok.txt"), "w").write("fine")
os.makedirs(os.path.join(out, "sub"))
open(os.path.join(out, "sub", "inner.txt"), "w").write("inner")
os.symlink("/etc/passwd", os.path.join(out, "passwd-link"))
`;
    const { job } = await client.run(code);
    expect(job.artifacts).toEqual(['ok.txt', 'sub/inner.txt']);
    const get = (p: string) => client.get(`/jobs/${job.id}/artifacts/${p}`);
    expect(await (await get('ok.txt')).text()).toBe('fine');
    expect(await (await get('sub/inner.txt')).text()).toBe('inner');
    for (const p of [
      '%2E%2E%2Fcode%2Fmain.py',
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%2E%2E/%2E%2E/etc/passwd',
      'sub',
      'passwd-link',
      'missing.txt',
      '%2Fetc%2Fpasswd',
    ]) {
      expect([p, (await get(p)).status]).toEqual([p, 404]);
    }
  });
});
