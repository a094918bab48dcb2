import { JobRunnerClient } from '../job-runner-client';
import type { Connection } from './parse-command-line';

/** The SDK client for a command's connection. */
export const serverClient = (c: Connection): JobRunnerClient =>
  new JobRunnerClient({ url: c.server, ...(c.apiKey ? { apiKey: c.apiKey } : {}) });
