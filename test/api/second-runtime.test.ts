import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { FlavouredImage } from '../helpers/flavoured-image';
import { startTestServer, type TestServer } from '../helpers/test-server';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';

/**
 * Two runtimes side by side. The second is a thin layer on the sandbox image (a marker file, an
 * env var, a tiny package), built in a couple of seconds with no network: cheap enough for every
 * run, so CI always runs it (no second runtime is built by default otherwise).
 */
const describeSecond = describeDocker;

/** Says which image it runs in, and stays long enough for its neighbour to run beside it. */
const WHERE_AM_I = `
import json, os, time
start = time.time()
try:
    import flavour_marker
    package = flavour_marker.FLAVOUR
except ImportError:
    package = None
marker = "/etc/job-runner-flavour"
time.sleep(1.5)
print(json.dumps({
    "marker": open(marker).read().strip() if os.path.exists(marker) else None,
    "env": os.environ.get("RUNTIME_FLAVOUR"),
    "package": package,
    "start": start,
    "end": time.time(),
}))
`;

interface Runtime {
  name: string;
  default: boolean;
  available: boolean;
  image: string;
  image_id: string;
  version: string;
  packages: { name: string; version: string }[];
  probed_at: string;
}

describeSecond('two runtimes side by side', () => {
  let image: FlavouredImage;
  let server: TestServer;
  let client: Client;
  const runtimes = async () => {
    const res = await fetch(`${server.url}/runtimes`);
    expect(res.status).toBe(200);
    const list = ((await res.json()) as { runtimes: Runtime[] }).runtimes;
    return Object.fromEntries(list.map((r) => [r.name, r]));
  };
  const pkg = (r: Runtime, name: string) => r.packages.find((p) => p.name === name)?.version;

  beforeAll(async () => {
    image = new FlavouredImage('second');
    server = await startTestServer({ RUNTIMES: `second=${image.name}`, WORKER_CONCURRENCY: '2' });
    client = new Client(server.url);
  });
  afterAll(async () => {
    // The server first: its pool holds sandboxes of the image.
    await server?.close();
    image?.dispose();
  });

  it("runs jobs of both runtimes at once, each in its own runtime's image", async () => {
    const [first, second] = await Promise.all([
      client.run(WHERE_AM_I, { runtime: 'python' }),
      client.run(WHERE_AM_I, { runtime: 'second' }),
    ]);
    expect([first.job.status, second.job.status]).toEqual(['succeeded', 'succeeded']);
    const a = JSON.parse(first.logs) as Record<string, unknown>;
    const b = JSON.parse(second.logs) as Record<string, unknown>;
    expect(a).toMatchObject({ marker: null, env: null, package: null });
    expect(b).toMatchObject({ marker: 'second', env: 'second', package: 'second' });
    expect((first.job.spec as { runtime: string }).runtime).toBe('python');
    expect((second.job.spec as { runtime: string }).runtime).toBe('second');
    // Side by side: each started before the other ended.
    expect((a.start as number) < (b.end as number) && (b.start as number) < (a.end as number)).toBe(
      true,
    );
  });

  it('lists both, with the version and packages probed from each image', async () => {
    const { python, second } = await runtimes();
    expect(python).toMatchObject({ default: true, available: true, image: IMAGE });
    expect(second).toMatchObject({
      default: false,
      available: true,
      image: image.name,
      image_id: image.id,
      version: python.version,
    });
    expect(second.image_id).not.toBe(python.image_id);
    expect(python.version).toMatch(/^3\.\d+\.\d+$/);
    for (const r of [python, second]) expect(pkg(r, 'pandas')).toMatch(/^\d+\.\d+/);
    expect(pkg(second, 'pandas')).toBe(pkg(python, 'pandas'));
    // Found by the probe in the second image only: the answer comes from the image itself.
    expect(pkg(second, FlavouredImage.PACKAGE.name)).toBe(FlavouredImage.PACKAGE.version);
    expect(pkg(python, FlavouredImage.PACKAGE.name)).toBeUndefined();
  });

  it('probes again when the image under a runtime changes', async () => {
    const before = await runtimes();
    image.retag(IMAGE);
    const after = await runtimes();
    // Now the same image as python's: the facts probed for that image id.
    expect(after.second).toMatchObject({
      available: true,
      image_id: before.python.image_id,
      probed_at: before.python.probed_at,
    });
    expect(pkg(after.second, FlavouredImage.PACKAGE.name)).toBeUndefined();
  });
});
