import { WORKER_LOST } from '@job-runner/jobs';
import { verdictLabel } from './verdict-label';

describe('verdictLabel', () => {
  it.each([
    ['succeeded', null, 'succeeded'],
    ['canceled', 'canceled', 'canceled'],
    ['failed', 'non-zero exit', 'non-zero exit'],
    ['failed', 'timeout', 'timeout'],
    ['failed', 'oom', 'oom'],
    ['failed', 'missing entry file', 'missing entry file'],
    ['failed', 'outbound network unavailable', 'outbound network unavailable'],
    ['failed', 'files do not fit', 'files do not fit'],
    ['failed', WORKER_LOST, 'worker lost'],
    ['failed', 'platform error: Docker engine unreachable (ENOENT)', 'platform error'],
    ['failed', 'unknown runtime ruby', 'unknown runtime'],
    ['failed', 'something new', 'other'],
  ] as const)('%s with %j is labelled %s', (status, error, label) => {
    expect(verdictLabel({ status, error })).toBe(label);
  });
});
