/** A stream the CLI writes to. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What the CLI touches of its process: injected, so commands can be tried without one. */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  /** Calls `handler` on each Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Leaves at once (a second Ctrl-C). */
  exitNow(code: number): void;
}

export function nodeIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    exitNow: (code) => process.exit(code),
  };
}
