import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing, type Tracing } from '@job-runner/telemetry';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { TempImage } from '../helpers/temp-image';
import { startTestServer, type TestServer } from '../helpers/test-server';

/** Tracing on, as OTEL_EXPORTER_OTLP_ENDPOINT turns it on; the spans land in memory instead. */
const TRACING_ON = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };

const ms = (t: ReadableSpan['startTime']) => t[0] * 1000 + t[1] / 1e6;
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

/** The spans of one trace, by name (each name once: one job, one attempt). */
function byName(spans: ReadableSpan[]): Record<string, ReadableSpan> {
  const out: Record<string, ReadableSpan> = {};
  for (const s of spans) {
    expect(out[s.name]).toBeUndefined();
    out[s.name] = s;
  }
  return out;
}

describeDocker('OpenTelemetry traces', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let server: TestServer;
  beforeAll(async () => {
    tracing = startTracing(
      {
        endpoint: null,
        headers: {},
        resourceAttributes: { 'deployment.environment': 'test' },
        serviceName: null,
        sampler: 'parentbased_always_on',
        samplerRatio: 1,
      },
      { defaultServiceName: 'job-runner-api', exporter },
    );
    server = await startTestServer(TRACING_ON);
  });
  afterAll(async () => {
    await server?.close();
    await tracing.shutdown();
  });
  beforeEach(() => exporter.reset());

  /** Every span of the trace the job's request began, once its sandbox is removed too. */
  const traceOf = async (jobId: string) =>
    eventually('the job’s trace is complete', () => {
      const request = exporter
        .getFinishedSpans()
        .find((s) => s.kind === SpanKind.SERVER && s.attributes['job.id'] === jobId);
      if (!request) return Promise.resolve(null);
      const spans = exporter
        .getFinishedSpans()
        .filter((s) => s.spanContext().traceId === request.spanContext().traceId);
      return Promise.resolve(spans.some((s) => s.name === 'sandbox.remove') ? spans : null);
    });

  it('follows a sync job in one trace: the request, the queue, then each phase in order', async () => {
    const res = await fetch(`${server.url}/jobs/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: 'import os\nprint("hi")\nopen(os.environ["JOB_OUTPUT_DIR"] + "/a.txt", "w").write("x" * 10)',
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job: { id: string; status: string } };
    expect(body.job.status).toBe('succeeded');
    const jobId = body.job.id;
    const spans = await traceOf(jobId);
    const s = byName(spans.filter((x) => !/^(complete|fail|getNextJob) /.test(x.name)));
    const q = server.config.queueName;
    const acquire = s['sandbox.create'] ?? s['sandbox.take'];
    expect(acquire).toBeDefined();
    const phases = [
      'job.queue_wait',
      'job.prepare',
      acquire.name,
      'sandbox.files_in',
      'sandbox.run',
      'sandbox.collect',
      'job.store',
      'sandbox.remove',
    ];
    const add = Object.values(s).find((x) => x.kind === SpanKind.PRODUCER)!;
    expect(add.name).toMatch(new RegExp(`^add ${q}\\.`));
    expect(Object.keys(s).sort()).toEqual(
      ['POST /jobs/sync', add.name, `process ${q}`, ...phases].sort(),
    );
    const request = s['POST /jobs/sync'];
    const process = s[`process ${q}`];
    // One tree: the request is the root; the queue's add under it; the worker's process under
    // that (carried in the job through Redis); every phase under the process.
    expect(parentOf(request)).toBeUndefined();
    expect(parentOf(add)).toBe(request.spanContext().spanId);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(process)).toBe(add.spanContext().spanId);
    for (const name of phases) expect(parentOf(s[name])).toBe(process.spanContext().spanId);
    // In order: the request, BullMQ's add, its processing; then each phase starts once the one
    // before has ended (1 ms of clock slack).
    expect(ms(add.startTime)).toBeGreaterThanOrEqual(ms(request.startTime));
    expect(ms(process.startTime)).toBeGreaterThanOrEqual(ms(add.startTime));
    const sequence = phases.slice(1, -1).map((n) => s[n]);
    for (let i = 1; i < sequence.length; i++) {
      const [before, after] = [sequence[i - 1], sequence[i]];
      const gap = ms(after.startTime) - ms(before.endTime);
      const pair = `${before.name} -> ${after.name}`;
      expect(`${pair}: ${gap >= -1 ? 'in order' : `starts ${-gap} ms early`}`).toBe(
        `${pair}: in order`,
      );
    }
    // The queue wait runs from the submission to the start of the processing.
    expect(ms(s['job.queue_wait'].startTime)).toBeGreaterThanOrEqual(ms(add.startTime) - 1);
    expect(ms(s['job.queue_wait'].endTime)).toBeLessThanOrEqual(ms(s['job.prepare'].startTime) + 1);
    // The request lasts until the answer: it holds the whole run.
    expect(ms(request.endTime)).toBeGreaterThanOrEqual(ms(s['job.store'].endTime) - 1);

    expect(request.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/jobs/sync',
      'http.response.status_code': 200,
      'job.id': jobId,
      'job.runtime': 'python',
    });
    expect(process.attributes).toMatchObject({
      'job.id': jobId,
      'job.runtime': 'python',
      'job.attempt': 1,
      'job.verdict': 'succeeded',
      'process.exit.code': 0,
      'job.artifacts': 1,
      'job.artifact_bytes': 10,
    });
    expect(process.attributes['job.code_bytes']).toBeGreaterThan(0);
    expect(s['sandbox.run'].attributes).toMatchObject({
      'job.verdict': 'succeeded',
      'process.exit.code': 0,
    });
    expect(s['sandbox.collect'].attributes).toMatchObject({ 'job.artifacts': 1 });
    expect(acquire.attributes['sandbox.source']).toBe(
      acquire.name === 'sandbox.take' ? 'warm' : 'cold',
    );
    expect(spans.every((x) => x.status.code !== SpanStatusCode.ERROR)).toBe(true);
    expect(spans[0].resource.attributes).toMatchObject({
      'service.name': 'job-runner-api',
      'deployment.environment': 'test',
    });
    // Housekeeping (BullMQ's stalled-job checks, a worker's close) starts no trace of its own.
    const roots = exporter.getFinishedSpans().filter((x) => !x.parentSpanContext);
    expect(roots.map((x) => x.kind)).not.toContain(SpanKind.INTERNAL);
  });

  it('continues the trace of a caller that sends a traceparent, and tells a user failure as its verdict', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${server.url}/jobs/sync`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ code: 'raise SystemExit(3)' }),
    });
    const body = (await res.json()) as { job: { id: string; status: string } };
    expect(body.job.status).toBe('failed');
    const spans = await traceOf(body.job.id);
    expect(new Set(spans.map((x) => x.spanContext().traceId))).toEqual(new Set([traceId]));
    const request = spans.find((x) => x.kind === SpanKind.SERVER)!;
    expect(parentOf(request)).toBe('00f067aa0ba902b7');
    const process = spans.find((x) => x.kind === SpanKind.CONSUMER)!;
    expect(process.attributes).toMatchObject({
      'job.verdict': 'non-zero exit',
      'process.exit.code': 3,
    });
    // The program's own failure is no error of the platform's.
    expect(process.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('marks a platform error on the job’s process span and the phase it happened in', async () => {
    const image = new TempImage();
    const broken = await startTestServer({
      ...TRACING_ON,
      JOB_RUN_IMAGE: image.name,
      JOB_ATTEMPTS: '1',
      SANDBOX_POOL_SIZE: '0',
    });
    try {
      image.remove();
      const c = new Client(broken.url);
      const id = await c.submit({ code: 'print(1)' });
      expect(await c.waitEnded(id, 60_000)).toMatchObject({ status: 'failed' });
      const spans = await eventually('the failed process span', () => {
        const all = exporter.getFinishedSpans();
        const process = all.find(
          (x) => x.kind === SpanKind.CONSUMER && x.attributes['job.id'] === id,
        );
        return Promise.resolve(process ? { all, process } : null);
      });
      expect(spans.process.status).toMatchObject({ code: SpanStatusCode.ERROR });
      expect(spans.process.status.message).toMatch(/sandbox image .* is missing/);
      expect(spans.process.attributes['job.verdict']).toBe('platform error');
      const create = spans.all.find(
        (x) =>
          x.name === 'sandbox.create' &&
          x.spanContext().traceId === spans.process.spanContext().traceId,
      );
      expect(create?.status.code).toBe(SpanStatusCode.ERROR);
      expect(create?.events.some((e) => e.name === 'exception')).toBe(true);
    } finally {
      await broken.close();
      image.dispose();
    }
  });
});

describeDocker('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('sets nothing up: no trace context travels with the job, no span is recorded', async () => {
    expect(server.config.tracing.endpoint).toBeNull();
    const c = new Client(server.url);
    const res = await fetch(`${server.url}/jobs/sync`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
      body: JSON.stringify({ code: 'print(1)' }),
    });
    const { job } = (await res.json()) as { job: { id: string; status: string } };
    expect(job.status).toBe('succeeded');
    // BullMQ keeps a job's trace context in its options ("tm"): none when it has no telemetry.
    const stored = await server.jobs.queue.getJob(job.id);
    expect(stored?.opts).toBeDefined();
    expect(JSON.stringify(stored?.opts)).not.toMatch(/traceparent|telemetry/);
    expect((await c.job(job.id)).status).toBe('succeeded');
  });
});
