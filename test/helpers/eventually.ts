/**
 * Polls `check` until it answers something truthy and returns that; an error thrown by a check
 * counts as "not yet". Fails naming `what` (and the last error) after `timeoutMs`: generous,
 * since CI machines are shared.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | false | null | undefined>,
  timeoutMs = 60_000,
  everyMs = 150,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for: ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
