/** Milliseconds from a monotonic clock. */
export const now = (): number => Number(process.hrtime.bigint() / 1_000_000n);
