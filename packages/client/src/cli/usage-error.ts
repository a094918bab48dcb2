/** The command line itself is wrong: exit 2, one line naming what, and where help is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** The sub-command whose usage was wrong, for the pointer to its help. */
    readonly command: string | null = null,
  ) {
    super(message);
  }
}
