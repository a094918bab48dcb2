import { BullMQOtel } from 'bullmq-otel';
import type { Telemetry } from 'bullmq';

/**
 * BullMQ's own spans (add, process, ...) for a queue or worker, and the trace context carried
 * in each job from the API to its worker: only when tracing is on. Off, BullMQ is given no
 * telemetry at all, so it costs nothing (not even a no-op span per job).
 */
export function bullmqTelemetry(traced: boolean): { telemetry?: Telemetry } {
  return traced ? { telemetry: new BullMQOtel({ tracerName: 'bullmq' }) } : {};
}
