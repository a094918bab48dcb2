import { ROOT_CONTEXT } from '@opentelemetry/api';
import { BullMQOtel } from 'bullmq-otel';
import type { Telemetry } from 'bullmq';

/**
 * BullMQ's own spans (add, process, ...) for a queue or worker, and the trace context carried
 * in each job from the API to its worker: only when tracing is on. Off, BullMQ is given no
 * telemetry at all, so it costs nothing (not even a no-op span per job).
 */
export function bullmqTelemetry(traced: boolean): { telemetry?: Telemetry } {
  if (!traced) return {};
  const telemetry = new BullMQOtel({ tracerName: 'bullmq' });
  // BullMQ starts its endless loops (the stalled-job checks) from the root context when its
  // context manager can give one; bullmq-otel 2.0 does not, and a loop started while a job's
  // span is active would put every later check into that job's trace.
  Object.assign(telemetry.contextManager, { root: () => ROOT_CONTEXT });
  return { telemetry };
}
