import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * The platform's spans go through OpenTelemetry's API alone: with no tracer provider registered
 * (tracing off) every span is its no-op, a few allocations; the process that starts tracing
 * decides where they go.
 */
export const jobTracer = () => trace.getTracer('job-runner');

/**
 * Marks a span failed by the error that ended it: its class and code only. An error's message
 * can quote what the engine said, and so a job's environment; spans leave the platform as they
 * are, so the reason in words goes only where it is scrubbed first (the job's own span).
 */
export function failSpan(span: Span, err: unknown): void {
  const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
  const kind = typeof name === 'string' ? name : 'Error';
  const what = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  span.recordException({ name: kind, message: what });
  span.setStatus({ code: SpanStatusCode.ERROR, message: what ? `${kind}: ${what}` : kind });
}

/**
 * Runs `fn` in a span named `name`, a child of the active one and active itself while `fn` runs;
 * ended when `fn` settles, and marked failed with what it throws.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return jobTracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span started now under `parent` (default: the active context), ended by the caller. */
export function startSpan(name: string, parent: Context = context.active()): Span {
  return jobTracer().startSpan(name, {}, parent);
}
