import { startTestServer, type TestServer } from '../helpers/test-server';

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown }>>;
  components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
}

describe('the API description', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      INLINE_WORKER: '0',
      MAX_TIMEOUT_SEC: '120',
      RUNTIMES: 'py311=img:3.11',
      API_KEYS: 'docs-key-0123456789abcdef',
    });
  });
  afterAll(() => server.close());

  it('describes every route, with the spec schema that validates requests', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/healthz',
        '/jobs',
        '/jobs/sync',
        '/jobs/{id}',
        '/jobs/{id}/artifacts/{filename}',
        '/jobs/{id}/cancel',
        '/jobs/{id}/logs',
        '/jobs/{id}/logs/stream',
        '/metrics',
        '/openapi.json',
        '/readyz',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/jobs/{id}']).sort()).toEqual(['delete', 'get']);
    // Generated from the live schema: this configuration's caps and runtimes show.
    const spec = doc.components.schemas.JobSpec.properties;
    expect(spec.timeout_sec).toMatchObject({ maximum: 120, default: 60 });
    expect(spec.runtime.enum).toEqual(['py311', 'python']);
    expect(Object.keys(spec).sort()).toEqual(
      [
        'args',
        'cpu_limit',
        'entry',
        'env',
        'mem_limit_mb',
        'net_policy',
        'pids_limit',
        'runtime',
        'timeout_sec',
      ].sort(),
    );
    expect(doc.paths['/jobs'].post.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(doc.paths['/healthz'].get.security).toBeUndefined();
  });

  it('renders it on a page served by this process', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/init.js']) {
      expect(html.includes(asset) || asset === '/docs/init.js').toBe(true);
      const res = await fetch(server.url + asset);
      expect([asset, res.status]).toEqual([asset, 200]);
    }
    expect(await (await fetch(`${server.url}/docs/init.js`)).text()).toContain('/openapi.json');
  });
});
