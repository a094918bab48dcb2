import { execFileSync } from 'node:child_process';
import type { Client } from './client';

/** After every attack the platform must still run an ordinary job. */
export async function expectNextJobSucceeds(client: Client): Promise<void> {
  const { job, logs } = await client.run('print("still fine")');
  expect(job).toMatchObject({ status: 'succeeded', exit_code: 0 });
  expect(logs).toBe('still fine\n');
}

/** Ids of every container (running or not) labelled with the job's id. */
export function jobContainers(jobId: string): string[] {
  return execFileSync(
    'docker',
    ['ps', '-a', '-q', '--filter', `label=job-runner.job-id=${jobId}`],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter(Boolean);
}
