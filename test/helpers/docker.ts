/** `describe` for suites that need the Docker engine; skipped only when SKIP_DOCKER_TESTS=1. */
export const describeDocker: jest.Describe =
  process.env.SKIP_DOCKER_TESTS === '1' ? describe.skip : describe;

/** Ids of sandbox containers (running or not) carrying `key=value`. */
export async function containersWithLabel(key: string, value: string): Promise<string[]> {
  const { dockerClient } = await import('@job-runner/sandbox');
  const list = await dockerClient().listContainers({
    all: true,
    filters: { label: [`${key}=${value}`] },
  });
  return list.map((c) => c.Id);
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs` (generous: CI is shared). */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | false | null | undefined>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
