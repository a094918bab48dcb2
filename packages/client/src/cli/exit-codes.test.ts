import { ExitCode, exitCodeFor } from './exit-codes';

const job = (status: string, error: string | null = null, exit_code: number | null = null) =>
  ({ status, error, exit_code }) as Parameters<typeof exitCodeFor>[0];

describe('exitCodeFor', () => {
  it.each([
    ['succeeded', null, 0, 0],
    ['failed', 'non-zero exit', 3, 3],
    ['failed', 'non-zero exit', 137, 137], // the program's own SIGKILL stays its own
    ['failed', 'timeout', null, ExitCode.Timeout],
    ['failed', 'oom', 137, ExitCode.OutOfMemory],
    ['canceled', 'canceled', null, ExitCode.Canceled],
    ['failed', 'missing entry file', null, ExitCode.Usage],
    ['failed', 'platform error: engine unreachable', null, ExitCode.Platform],
    ['failed', 'outbound network unavailable', null, ExitCode.Platform],
    ['failed', 'files do not fit', null, ExitCode.Usage],
    ['failed', 'non-zero exit', null, ExitCode.Platform],
    ['running', null, null, ExitCode.Platform],
  ])('%s / %s / exit %s -> %s', (status, error, exitCode, expected) => {
    expect(exitCodeFor(job(status, error, exitCode))).toBe(expected);
  });

  it('maps to the documented numbers', () => {
    expect(ExitCode).toEqual({
      Ok: 0,
      Usage: 2,
      Platform: 3,
      Timeout: 124,
      Canceled: 130,
      OutOfMemory: 137,
    });
  });
});
