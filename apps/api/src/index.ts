export { createApp } from './create-app';
export type { AppDeps } from './create-app';
export { startServer } from './server';
export type { RunningServer, StartServerOptions } from './server';
