import { describeDocker } from '../helpers/docker';
import { Client } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/test-server';

const PANDAS_SCRIPT = `
import os
import pandas as pd
print("first line")
df = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})
df.to_csv(os.path.join(os.environ["JOB_OUTPUT_DIR"], "result.csv"), index=False)
print("second line", len(df))
`;

describeDocker('the legacy client flow', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer();
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it('runs a multipart pandas job: status, plain log, SSE and the CSV byte for byte', async () => {
    const form = new FormData();
    form.append('spec', JSON.stringify({ entry: 'main.py', timeout_sec: 60 }));
    form.append('code_files', new Blob([PANDAS_SCRIPT]), 'main.py');
    const res = await client.postForm('/jobs', form);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job_id: string; status: string };
    expect(body.status).toBe('queued');
    expect(body.job_id).toMatch(/^[0-9a-f-]{36}$/);

    const job = await client.waitEnded(body.job_id);
    expect(job).toMatchObject({
      status: 'succeeded',
      exit_code: 0,
      error: null,
      artifacts: ['result.csv'],
    });
    expect(typeof job.created_at).toBe('string');
    expect(new Date(job.finished_at as string).getTime()).toBeGreaterThanOrEqual(
      new Date(job.started_at as string).getTime(),
    );

    const view = (await (await fetch(`${server.url}/jobs/${body.job_id}`)).json()) as {
      log_lines: number;
    };
    expect(view.log_lines).toBe(2);

    expect(await client.logs(body.job_id)).toBe('first line\nsecond line 3\n');

    const sse = await fetch(`${server.url}/jobs/${body.job_id}/logs/stream`);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await sse.text();
    expect(text).toContain('data: first line\n');
    expect(text).toContain('data: second line 3\n');
    expect(text.trimEnd().split('\n\n').pop()).toMatch(/^event: end/);

    const csv = await fetch(`${server.url}/jobs/${body.job_id}/artifacts/result.csv`);
    expect(csv.status).toBe(200);
    expect(Buffer.from(await csv.arrayBuffer()).toString()).toBe('x,y\n1,a\n2,b\n3,c\n');
  });
});
