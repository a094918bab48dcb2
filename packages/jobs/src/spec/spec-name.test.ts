import { InvalidInputError } from '../errors/invalid-input-error';
import { MAX_NAME_LENGTH, specSchema } from './spec-schema';
import { validateSpec } from './validate-spec';

const schema = specSchema({
  caps: { maxTimeoutSec: 600, maxCpuLimit: 2, maxMemLimitMb: 4096, maxPidsLimit: 1024 },
  runtimes: ['python'],
  defaultRuntime: 'python',
});

const refusal = (name: unknown): string => {
  try {
    validateSpec(schema, { name });
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).fields).toEqual(['spec.name']);
    return (err as Error).message;
  }
  throw new Error(`name ${JSON.stringify(name)} was accepted`);
};

describe('spec.name', () => {
  it('is optional, with no default (the board then names the job by entry and runtime)', () => {
    expect(validateSpec(schema, {})).not.toHaveProperty('name');
  });

  it('takes printable text in any script, trimmed', () => {
    expect(validateSpec(schema, { name: '  月次レポート – März ✓ ' }).name).toBe(
      '月次レポート – März ✓',
    );
    expect(validateSpec(schema, { name: 'x'.repeat(MAX_NAME_LENGTH) }).name).toHaveLength(100);
  });

  it('refuses what is too long, empty or not text', () => {
    expect(refusal('x'.repeat(MAX_NAME_LENGTH + 1))).toMatch(/name .*100 characters/);
    expect(refusal('   ')).toMatch(/name/);
    expect(refusal(42)).toMatch(/name must be a string/);
  });

  it.each([
    ['a newline', 'report\nfake line'],
    ['an escape sequence', 'report\u001b[31m'],
    ['a C1 control', 'report\u0085'],
    ['a bidirectional override', 'report\u202egnp.exe'],
    ['a zero-width space', 'rep\u200bort'],
  ])('refuses %s', (_what, name) => {
    expect(refusal(name)).toMatch(/name must be printable text/);
  });
});
