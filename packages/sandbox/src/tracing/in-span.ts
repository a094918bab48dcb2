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

/** Marks a span failed with the error that ended it. */
export function failSpan(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
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
