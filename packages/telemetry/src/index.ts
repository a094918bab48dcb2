export { startTracing } from './start-tracing';
export type { StartTracingOptions, Tracing, TracingSettings } from './start-tracing';
export type { SamplerName } from './make-sampler';
