import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { isEngineUnreachable, platformError } from './platform-error';

const errno = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('platformError', () => {
  it.each(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ETIMEDOUT'])(
    'calls %s the engine unreachable, naming what was being done',
    (code) => {
      const err = platformError('create the sandbox container', errno(code));
      expect(err.code).toBe(SandboxErrorCode.EngineUnreachable);
      expect(err.message).toBe(
        `Docker engine unreachable (${code}) while trying to create the sandbox container`,
      );
      expect(isEngineUnreachable(err)).toBe(true);
    },
  );

  it('names a missing image', () => {
    const e = Object.assign(new Error('(HTTP code 404) no such image - No such image: x:y'), {
      statusCode: 404,
    });
    const err = platformError('create the sandbox container', e, 'x:y');
    expect(err.code).toBe(SandboxErrorCode.ImageMissing);
    expect(err.message).toMatch(/^sandbox image x:y is missing/);
    expect(isEngineUnreachable(err)).toBe(false);
  });

  it('keeps any other engine answer, and passes a coded error through', () => {
    const err = platformError(
      'start the sandbox container',
      new Error('OCI runtime create failed'),
    );
    expect(err.code).toBe(SandboxErrorCode.EngineFailed);
    expect(err.message).toBe(
      'Docker failed to start the sandbox container: OCI runtime create failed',
    );
    expect(platformError('again', err)).toBe(err);
  });
});
