import { unknownField } from './unknown-field';

describe('unknownField', () => {
  const spec = ['entry', 'args', 'runtime', 'timeout_sec', 'cpu_limit', 'mem_limit_mb', 'env'];
  it.each([
    ['timeout', 'spec."timeout" is not a known field (did you mean timeout_sec?)'],
    ['mem_limit', 'spec."mem_limit" is not a known field (did you mean mem_limit_mb?)'],
    ['entrry', 'spec."entrry" is not a known field (did you mean entry?)'],
    ['priority', 'spec."priority" is not a known field'],
  ])('%s', (name, message) => {
    expect(unknownField(name, spec, 'spec.')).toBe(message);
  });

  it.each([
    ['inputs', 'input_files'],
    ['code_file', 'code_files'],
    ['cod', 'code'],
    ['specs', 'spec'],
  ])('suggests for the body field %s: %s', (name, near) => {
    expect(unknownField(name, ['spec', 'code', 'code_files', 'input_files'], '')).toBe(
      `"${name}" is not a known field (did you mean ${near}?)`,
    );
  });

  it.each(['files', 'data', 'x'])('suggests nothing for a body field %s far from all', (name) => {
    expect(unknownField(name, ['spec', 'code', 'code_files', 'input_files'], '')).toBe(
      `"${name}" is not a known field`,
    );
  });

  it('suggests body fields too', () => {
    expect(unknownField('cod', ['spec', 'code', 'code_files', 'input_files'], 'body field ')).toBe(
      'body field "cod" is not a known field (did you mean code?)',
    );
  });
});
