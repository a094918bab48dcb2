export { createRunner } from './create-runner';
export type { Sandbox } from './create-runner';
export { runProcess } from './run-process';
export type { ProcessOptions } from './run-process';
export { startWorker, runtimeImages } from './start-worker';
export { createRuntimeProbe } from './create-runtime-probe';
export { publishRuntimeFacts } from './publish-runtime-facts';
