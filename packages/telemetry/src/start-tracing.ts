import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { JobTracesOnly } from './job-traces-only';
import { makeSampler, type SamplerName } from './make-sampler';

/** What the configuration says of tracing (config.tracing). */
export interface TracingSettings {
  /** Where spans go (OTLP over HTTP, protobuf); null: tracing is off. */
  endpoint: string | null;
  /** Sent with every export (OTEL_EXPORTER_OTLP_HEADERS). */
  headers: Record<string, string>;
  /** On every span's resource (OTEL_RESOURCE_ATTRIBUTES). */
  resourceAttributes: Record<string, string>;
  serviceName: string | null;
  sampler: SamplerName;
  samplerRatio: number;
}

export interface StartTracingOptions {
  /** service.name when OTEL_SERVICE_NAME is unset: `job-runner-api`, `job-runner-worker`. */
  defaultServiceName: string;
  /** Replaces the OTLP exporter, spans handed over as each ends (tests: the in-memory one). */
  exporter?: SpanExporter;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Sends what is left and unregisters everything (the process may start tracing again). */
  shutdown(): Promise<void>;
}

const OFF: Tracing = {
  enabled: false,
  shutdown: () => Promise.resolve(),
};

/** How long the last spans may take to leave at shutdown (a collector may be away). */
const SHUTDOWN_MS = 5000;

/**
 * Sets up OpenTelemetry for this process when an endpoint is configured: a tracer provider
 * exporting in batches (OTLP/HTTP), W3C trace context (a caller's `traceparent` is continued,
 * and BullMQ carries it from the API to the worker), and async-local context. Baggage is not
 * propagated: nothing reads it, and a client's would travel into every job's options. With no
 * endpoint nothing is registered: every span the code asks for is OpenTelemetry's no-op, and
 * BullMQ is given no telemetry at all.
 */
export function startTracing(settings: TracingSettings, opts: StartTracingOptions): Tracing {
  if (!settings.endpoint && !opts.exporter) return OFF;
  const exporter =
    opts.exporter ??
    new OTLPTraceExporter({ url: settings.endpoint ?? undefined, headers: settings.headers });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.namespace': 'job-runner',
      ...settings.resourceAttributes,
      'service.name': settings.serviceName ?? opts.defaultServiceName,
    }),
    sampler: new JobTracesOnly(makeSampler(settings.sampler, settings.samplerRatio)),
    spanProcessors: [
      opts.exporter ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter }),
    ],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    enabled: true,
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        provider.shutdown().catch(() => undefined),
        new Promise((r) => (timer = setTimeout(r, SHUTDOWN_MS))),
      ]);
      clearTimeout(timer);
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
