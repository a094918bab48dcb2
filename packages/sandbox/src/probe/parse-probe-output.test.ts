import { parseProbeOutput } from './parse-probe-output';

const report = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    language: 'python',
    version: '3.11.2',
    implementation: 'CPython',
    build: '3.11.2 (main) [GCC 12.2.0]',
    packages: [
      ['pandas', '1.5.3'],
      ['Pillow', '9.4.0'],
      ['numpy', '1.24.2'],
    ],
    ...over,
  });

describe('parseProbeOutput', () => {
  it('reads the report, packages sorted by name whatever their case', () => {
    expect(parseProbeOutput(`${report()}\n`)).toEqual({
      language: 'python',
      version: '3.11.2',
      implementation: 'CPython',
      build: '3.11.2 (main) [GCC 12.2.0]',
      packages: [
        { name: 'numpy', version: '1.24.2' },
        { name: 'pandas', version: '1.5.3' },
        { name: 'Pillow', version: '9.4.0' },
      ],
    });
  });

  it('keeps the first of two distributions of one name (the one import finds)', () => {
    const out = parseProbeOutput(
      report({
        packages: [
          ['python_dateutil', '2.9.0'],
          ['python-dateutil', '2.8.2'],
        ],
      }),
    );
    expect(out?.packages).toEqual([{ name: 'python_dateutil', version: '2.9.0' }]);
  });

  it('reads the last line: whatever the image printed before does not count', () => {
    expect(parseProbeOutput(`warming up\n${report()}`)?.version).toBe('3.11.2');
  });

  it.each([
    ['nothing', ''],
    ['not JSON', 'python3: not found'],
    ['another language', report({ language: 'ruby' })],
    ['no version', report({ version: 3 })],
    ['a bad package', report({ packages: [['pandas']] })],
    ['a huge name', report({ packages: [['x'.repeat(500), '1']] })],
    ['packages not a list', report({ packages: {} })],
  ])('refuses %s', (_what, text) => {
    expect(parseProbeOutput(text)).toBeNull();
  });
});
