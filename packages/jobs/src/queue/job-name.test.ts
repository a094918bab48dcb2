import { jobName } from './job-name';

describe('jobName', () => {
  it('is the spec’s name when the client gave one', () => {
    expect(jobName({ name: 'nightly report', entry: 'main.py', runtime: 'python' })).toBe(
      'nightly report',
    );
  });

  it('is the entry and the runtime otherwise', () => {
    expect(jobName({ entry: 'etl.py', runtime: 'python' })).toBe('etl.py (python)');
  });
});
