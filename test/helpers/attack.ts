import type { Client } from './client';

export { jobContainers } from './docker';

/** After every attack the platform must still run an ordinary job. */
export async function expectNextJobSucceeds(client: Client): Promise<void> {
  const { job, logs } = await client.run('print("still fine")');
  expect(job).toMatchObject({ status: 'succeeded', exit_code: 0 });
  expect(logs).toBe('still fine\n');
}

/**
 * No container of the job is left. Removal happens after the job's result is recorded, so it is
 * awaited for a while rather than expected at once.
 */
export async function expectNoContainerLeft(jobId: string): Promise<void> {
  const { eventually } = await import('./eventually');
  const { jobContainers } = await import('./docker');
  await eventually(
    `no container of job ${jobId} left`,
    async () => (await jobContainers(jobId)).length === 0,
    30_000,
  );
}
