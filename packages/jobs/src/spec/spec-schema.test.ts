import { safeBaseName } from './file-name';
import { specSchema } from './spec-schema';
import { validateSpec } from './validate-spec';
import { InvalidInputError } from '../errors/invalid-input-error';

const schema = specSchema({
  caps: { maxTimeoutSec: 600, maxCpuLimit: 2, maxMemLimitMb: 4096, maxPidsLimit: 1024 },
  runtimes: ['python'],
  defaultRuntime: 'python',
});

describe('the job spec', () => {
  it('fills every default', () => {
    expect(validateSpec(schema, {})).toEqual({
      entry: 'main.py',
      args: [],
      runtime: 'python',
      timeout_sec: 60,
      cpu_limit: 1,
      mem_limit_mb: 512,
      pids_limit: 128,
      net_policy: 'none',
      env: {},
    });
  });

  it('refuses unknown fields by name, with the closest known one', () => {
    expect(() => validateSpec(schema, { timeout: 1, priority: 5 })).toThrow(
      /spec\."timeout" is not a known field \(did you mean timeout_sec\?\); spec\."priority" is not a known field$/,
    );
  });

  it('names every bad field at once', () => {
    expect.assertions(3);
    try {
      validateSpec(schema, { timeout_sec: 0, cpu_limit: 9 });
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).fields).toEqual(['spec.timeout_sec', 'spec.cpu_limit']);
      expect((err as InvalidInputError).message).toMatch(
        /cpu_limit must be at most 2 .*MAX_CPU_LIMIT/,
      );
    }
  });

  it.each([
    ['cpu_limit', 1e-12, /cpu_limit must be at least 0.01/],
    ['cpu_limit', 0.0099, /cpu_limit must be at least 0.01/],
    ['pids_limit', 4, /pids_limit must be at least 16/],
    ['mem_limit_mb', 32, /mem_limit_mb must be more than 32/],
    [
      'args',
      Array.from({ length: 700 }, () => 'x'.repeat(1000)),
      /args must hold at most 65536 bytes/,
    ],
    ['args', ['a\u0000b'], /must not contain a NUL/],
    [
      'env',
      { A: 'x'.repeat(30000), B: 'y'.repeat(30000), C: 'z'.repeat(10000) },
      /env must hold at most 65536 bytes/,
    ],
    ['env', { A: 'nul\u0000inside' }, /must not contain a NUL/],
  ])('refuses %s = %j, which the engine would refuse or run unbounded', (field, value, message) => {
    expect(() => validateSpec(schema, { [field]: value })).toThrow(message);
  });

  it('refuses a spec that is not an object', () => {
    expect(() => validateSpec(schema, [1])).toThrow(/spec must be a JSON object/);
  });
});

describe('safeBaseName', () => {
  it.each([
    ['main.py', 'main.py'],
    ['../../x.py', 'x.py'],
    ['C:\\\\temp\\\\y.py', 'y.py'],
    ['/etc/passwd', 'passwd'],
    ['..', null],
    ['.', null],
    ['', null],
    ['dir/', null],
    ['a\u0000b', null],
    ['line\nbreak', null],
    ['x'.repeat(256), null],
  ])('%j -> %j', (raw, expected) => {
    expect(safeBaseName(raw)).toBe(expected);
  });
});
