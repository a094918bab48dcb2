import { REDACTED, redactJobData, scrubSecrets } from './redact';

describe('redaction', () => {
  it('keeps env names and file names and sizes, and nothing else of them', () => {
    const shown = redactJobData({
      spec: { entry: 'main.py', env: { TOKEN: 'abc-secret', EMPTY: '' } },
      files: { code: [{ name: 'main.py', size: 3, content: 'x=1' }], input: [] },
      canceled: false,
    });
    expect(shown).toEqual({
      spec: { entry: 'main.py', env: { TOKEN: REDACTED, EMPTY: REDACTED } },
      files: { code: [{ name: 'main.py', size: 3 }], input: [] },
      canceled: false,
    });
  });

  it('passes what is not job data through', () => {
    expect(redactJobData(null)).toBeNull();
    expect(redactJobData('x')).toBe('x');
  });

  it('scrubs secret values from text, longest first, leaving short values alone', () => {
    const env = { A: 'secret', B: 'secret-longer', C: 'on' };
    expect(scrubSecrets('x secret-longer y secret z on', env)).toBe(
      `x ${REDACTED} y ${REDACTED} z on`,
    );
  });
});
