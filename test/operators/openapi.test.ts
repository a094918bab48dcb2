import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
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
        '/runtimes',
        '/runtimes/{name}',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/jobs/{id}']).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(doc.paths['/jobs']).sort()).toEqual(['get', 'post']);
    // Generated from the live schema: this configuration's caps and runtimes show.
    const spec = doc.components.schemas.JobSpec.properties;
    expect(spec.timeout_sec).toMatchObject({ maximum: 120, default: 60 });
    expect(spec.runtime.enum).toEqual(['py311', 'python']);
    expect(spec.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(spec.name.pattern).toMatch(/^\^\[\^\\x00-\\x1f/);
    expect(Object.keys(spec).sort()).toEqual(
      [
        'args',
        'callback_url',
        'cpu_limit',
        'entry',
        'env',
        'mem_limit_mb',
        'name',
        'net_policy',
        'pids_limit',
        'runtime',
        'timeout_sec',
      ].sort(),
    );
    expect(doc.paths['/jobs'].post.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(doc.paths['/runtimes'].get.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(Object.keys(doc.components.schemas.Runtime.properties)).toEqual(
      expect.arrayContaining(['name', 'available', 'error', 'version', 'packages', 'limits']),
    );
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

interface Examples {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody: {
          content: Record<
            string,
            {
              examples?: Record<string, { value: unknown }>;
              schema: { properties?: Record<string, { example?: string }> };
            }
          >;
        };
      }
    >
  >;
}

describeDocker('the examples of the API description', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('run as they are, in both body forms (what "Try it out" sends)', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Examples;
    const content = doc.paths['/jobs/sync'].post.requestBody.content;
    const examples = Object.entries(content['application/json'].examples ?? {});
    expect(examples.length).toBeGreaterThanOrEqual(3);
    const client = new Client(server.url);
    for (const [name, { value }] of examples) {
      const { status, body } = await client.sync(value);
      expect([name, status, body.job?.status]).toEqual([name, 200, 'succeeded']);
    }

    const spec = content['multipart/form-data'].schema.properties?.spec.example;
    expect(spec).toBeDefined();
    const form = new FormData();
    form.append('spec', spec!);
    form.append('code_files', new Blob(['print("from the form")']), 'main.py');
    const res = await client.postForm('/jobs/sync', form);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'succeeded', logs: 'from the form\n' });
  });
});
