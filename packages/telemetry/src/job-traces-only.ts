import { SpanKind, trace, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace';

/**
 * A trace starts at a request (a SERVER span) or at a job crossing the queue (PRODUCER,
 * CONSUMER); every other span belongs to one of those. A span with no parent that is none of
 * them is housekeeping (BullMQ's stalled-job checks every few seconds, the janitor's clean, a
 * worker's close) and is not recorded: an operator's traces are jobs, not a heartbeat. The rest
 * is for the configured sampler to decide.
 */
export class JobTracesOnly implements Sampler {
  constructor(private readonly inner: Sampler) {}

  shouldSample(
    ctx: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (!trace.getSpanContext(ctx) && kind === SpanKind.INTERNAL)
      return { decision: SamplingDecision.NOT_RECORD };
    return this.inner.shouldSample(ctx, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return `JobTracesOnly{${this.inner.toString()}}`;
  }
}
