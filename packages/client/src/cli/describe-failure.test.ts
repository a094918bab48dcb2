import { JobRunnerConnectionError } from '../job-runner-connection-error';
import { JobRunnerHttpError } from '../job-runner-http-error';
import { describeFailure } from './describe-failure';
import { UsageError } from './usage-error';

describe('describeFailure', () => {
  it('says what was wrong on one line, with exit 2 for usage, HTTP and connection errors', () => {
    expect(describeFailure(new UsageError("unknown option '--x'", 'run'))).toEqual({
      message: "job-runner: unknown option '--x' (see job-runner run --help)",
      exitCode: 2,
    });
    const refused = new JobRunnerHttpError(422, {
      detail: 'invalid spec: timeout_sec must be\nless than or equal to 600',
      code: 'INVALID_INPUT',
      fields: ['spec.timeout_sec'],
    });
    expect(describeFailure(refused)).toEqual({
      message:
        'job-runner: the server answered 422 INVALID_INPUT: invalid spec: timeout_sec must be less than or equal to 600 [spec.timeout_sec]',
      exitCode: 2,
    });
    const away = new JobRunnerConnectionError(
      'http://127.0.0.1:9',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
          code: 'ECONNREFUSED',
        }),
      }),
    );
    expect(describeFailure(away)).toEqual({
      message:
        'job-runner: cannot reach http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9 (set --server or JOB_RUNNER_URL)',
      exitCode: 2,
    });
  });

  it('points a 401 at the API key', () => {
    const e = new JobRunnerHttpError(401, { detail: 'no key', code: 'UNAUTHORIZED', fields: [] });
    expect(describeFailure(e).message).toMatch(/JOB_RUNNER_API_KEY/);
  });

  it('names a local file that failed, and keeps exit 3 for anything unexpected', () => {
    const eacces = Object.assign(new Error('x'), {
      code: 'EACCES',
      syscall: 'open',
      path: '/out/a',
    });
    expect(describeFailure(eacces)).toEqual({
      message: 'job-runner: cannot open /out/a: EACCES',
      exitCode: 2,
    });
    expect(describeFailure(new Error('boom'))).toEqual({
      message: 'job-runner: boom',
      exitCode: 3,
    });
  });
});
