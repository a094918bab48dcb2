import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { startTestServer, type TestServer } from '../helpers/test-server';

const ROOT = path.join(__dirname, '..', '..');

/** Express's `:id` and `*name` as the docs write them, `{id}` and `{name}`; names not compared. */
const normal = (route: string) => route.replace(/[:*](\w+)/g, '{}').replace(/\{\w+\}/g, '{}');

/** Every route the app answers with a handler of its own (not middleware, not static folders). */
function routesOf(app: Express): string[] {
  const stack = (
    app as unknown as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    }
  ).router.stack;
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${normal(layer.route!.path)}`)
      : [],
  );
}

/** Routes written as `METHOD /path` in a document. */
const documented = (file: string) =>
  [
    ...fs
      .readFileSync(path.join(ROOT, file), 'utf8')
      .matchAll(/`(GET|POST|DELETE|PUT|PATCH) (\/[^`\s]*)`/g),
  ].map((m) => `${m[1]} ${normal(m[2])}`);

/** Files a page loads, served beside it: part of the page, not routes of their own. */
const ASSETS = /^GET \/(docs|playground)\/./;

describe('docs/api.md and the routes the server has', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
  });
  afterAll(() => server.close());

  it('documents every route the server answers, and no route it lacks', () => {
    const app = new Set(routesOf(server.app).filter((r) => !ASSETS.test(r)));
    const docs = new Set(documented('docs/api.md'));
    expect([...app].filter((r) => !docs.has(r)).sort()).toEqual([]);
    expect([...docs].filter((r) => !app.has(r)).sort()).toEqual([]);
    // A sanity check of the reading itself: the main routes are there.
    for (const r of ['POST /jobs', 'GET /jobs', 'GET /jobs/{}/logs/stream', 'DELETE /jobs/{}'])
      expect(app.has(r)).toBe(true);
  });

  it('describes every job route in the OpenAPI document too', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const described = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${normal(p)}`),
      ),
    );
    const jobRoutes = routesOf(server.app).filter((r) => / \/jobs/.test(r));
    expect(jobRoutes.filter((r) => !described.has(r))).toEqual([]);
  });

  it('links the README to the docs, and every relative link in the docs resolves', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('docs/api.md');
    expect(readme).toContain('docs/sandbox.md');
    for (const file of [
      'README.md',
      ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`),
    ]) {
      if (!file.endsWith('.md')) continue;
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)) {
        const resolved = path.join(ROOT, path.dirname(file), target);
        expect([file, target, fs.existsSync(resolved)]).toEqual([file, target, true]);
      }
    }
  });
});
