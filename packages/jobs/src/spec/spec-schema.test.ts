import { safeBaseName } from './file-name';
import { specSchema } from './spec-schema';
import { validateSpec } from './validate-spec';
import { AppError } from '../errors/app-error';

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

  it('ignores unknown fields, as the legacy service did', () => {
    expect(validateSpec(schema, { priority: 5 })).not.toHaveProperty('priority');
  });

  it('names every bad field at once', () => {
    try {
      validateSpec(schema, { timeout_sec: 0, cpu_limit: 9 });
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(422);
      expect((err as AppError).details?.fields).toEqual(['timeout_sec', 'cpu_limit']);
      expect((err as AppError).message).toMatch(/cpu_limit must be at most 2 .*MAX_CPU_LIMIT/);
    }
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
