import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDocker } from '../helpers/docker';
import { Client } from '../helpers/client';
import { POOL_MODES, expectNextJobSucceeds } from '../helpers/attack';
import { startTestServer, type TestServer } from '../helpers/test-server';

/** Every path below `dir`, with what lstat says it is. */
function walk(dir: string): { path: string; kind: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    const kind = e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
    return [{ path: p, kind }, ...(e.isDirectory() ? walk(p) : [])];
  });
}

/** Files crossing the boundary: links and special files never leak, uploads never escape. */
describeDocker.each(POOL_MODES)('attacks through files (%s)', (_mode, poolEnv) => {
  let server: TestServer;
  let client: Client;
  let secretFile: string;
  const secret = `host-secret-${randomUUID()}`;
  beforeAll(async () => {
    server = await startTestServer({ ...poolEnv, MAX_FILES: '5', MAX_ARTIFACTS: '10' });
    client = new Client(server.url);
    secretFile = path.join(os.tmpdir(), `jr-attack-secret-${randomUUID()}.txt`);
    fs.writeFileSync(secretFile, secret);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(secretFile, { force: true });
  });

  afterEach(async () => {
    await expectNextJobSucceeds(client);
  });

  it('symlink, hardlink and FIFO artifacts never leak (a symlink to a host file included)', async () => {
    const code = `
import os
out = os.environ["JOB_OUTPUT_DIR"]
open(os.path.join(out, "real.txt"), "w").write("real")
os.link(os.path.join(out, "real.txt"), os.path.join(out, "hard.txt"))
os.symlink(${JSON.stringify(secretFile)}, os.path.join(out, "secret.txt"))
os.symlink("/etc/shadow", os.path.join(out, "shadow"))
os.symlink("/", os.path.join(out, "rootdir"))
os.mkfifo(os.path.join(out, "pipe"))
os.makedirs(os.path.join(out, "sub"))
os.symlink(${JSON.stringify(path.dirname(secretFile))}, os.path.join(out, "sub", "hostdir"))
print("planted")
`;
    const { job, logs } = await client.run(code);
    expect(job.status).toBe('succeeded');
    // Both names of the hardlinked file are kept, each as a plain copy (a hardlink in the
    // output tmpfs can only name a file of that tmpfs); nothing else is.
    expect(job.artifacts).toEqual(['hard.txt', 'real.txt']);
    expect(logs).toMatch(/artifact skipped: secret\.txt is a symlink/);
    expect(logs).toMatch(/artifact skipped: pipe is a fifo/);
    for (const name of ['secret.txt', 'shadow', 'rootdir', 'pipe', 'sub/hostdir', 'hard.txt']) {
      if (job.artifacts.includes(name)) continue;
      const res = await fetch(`${server.url}/jobs/${job.id}/artifacts/${name}`);
      expect([name, res.status]).toEqual([name, 404]);
    }
    // On the host: only regular files and directories we made, none holding the secret.
    const out = path.join(server.dataDir, 'jobs', job.id, 'output');
    for (const entry of walk(out)) {
      expect([entry.path, entry.kind]).not.toEqual([entry.path, 'other']);
      if (entry.kind === 'file') expect(fs.readFileSync(entry.path, 'utf8')).toBe('real');
    }
    expect(fs.readFileSync(secretFile, 'utf8')).toBe(secret);
  });

  it('more artifacts than the cap: the first ones are kept, the rest skipped with a notice', async () => {
    const code =
      'import os\nfor i in range(30):\n    open(os.path.join(os.environ["JOB_OUTPUT_DIR"], "a%02d.txt" % i), "w").write("x")';
    const { job, logs } = await client.run(code);
    expect(job.status).toBe('succeeded');
    expect(job.artifacts).toHaveLength(10);
    expect(logs).toMatch(/more than 10 files/);
    expect(fs.readdirSync(path.join(server.dataDir, 'jobs', job.id, 'output'))).toHaveLength(10);
  });

  it('traversal names in uploads land under their base name inside the sandbox', async () => {
    const form = new FormData();
    form.append('spec', JSON.stringify({ entry: 'main.py' }));
    const code =
      'import os\nprint(sorted(os.listdir(".")), sorted(os.listdir(os.environ["JOB_INPUT_DIR"])))';
    form.append('code_files', new Blob([code]), '../../../../main.py');
    form.append('input_files', new Blob(['data']), '../../../../../tmp/escaped.txt');
    form.append('input_files', new Blob(['data']), '..\\..\\win.txt');
    const res = await client.postForm('/jobs', form);
    expect(res.status).toBe(200);
    const { job_id: id } = (await res.json()) as { job_id: string };
    const job = await client.waitEnded(id);
    expect(job.status).toBe('succeeded');
    expect(await client.logs(id)).toBe("['main.py'] ['escaped.txt', 'win.txt']\n");
    expect(fs.existsSync('/tmp/escaped.txt')).toBe(false);
    expect(fs.existsSync(path.join(server.dataDir, 'escaped.txt'))).toBe(false);
    const files = walk(server.dataDir)
      .filter((e) => e.kind === 'file')
      .map((e) => path.basename(e.path));
    expect(files.filter((f) => f.includes('..'))).toEqual([]);

    for (const bad of ['..', '.', 'x'.repeat(300)]) {
      const f = new FormData();
      f.append('code_files', new Blob(['print(1)']), bad);
      const r = await client.postForm('/jobs', f);
      expect([bad.slice(0, 10), r.status]).toEqual([bad.slice(0, 10), 400]);
    }
    const nul = await client.post('/jobs', { code_files: { 'a\u0000b.py': 'print(1)' } });
    expect(nul.status).toBe(400);
  });

  it('a many-file upload over the cap is a 422 and leaves nothing behind', async () => {
    const before = walk(server.dataDir).length;
    const form = new FormData();
    for (let i = 0; i < 50; i++) form.append('code_files', new Blob(['print(1)']), `f${i}.py`);
    const res = await client.postForm('/jobs', form);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/MAX_FILES/);
    const json = await client.post('/jobs', {
      code_files: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`j${i}.py`, ''])),
    });
    expect(json.status).toBe(422);
    expect(walk(server.dataDir).length).toBe(before);
  });
});
