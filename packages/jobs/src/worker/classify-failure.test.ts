import {
  OutboundUnavailableError,
  SandboxErrorCode,
  SandboxPlatformError,
} from '@job-runner/sandbox';
import { classifyFailure, FILES_DO_NOT_FIT, OUTBOUND_UNAVAILABLE } from './classify-failure';

const copyFailed = (words: string) =>
  new SandboxPlatformError(
    SandboxErrorCode.FilesNotCopied,
    `copying files into the sandbox failed: ${words}`,
  );

describe('classifyFailure', () => {
  it("files that outgrow their space are the job's own failure, never retried", () => {
    const f = classifyFailure(
      copyFailed('tar: big.bin: Wrote only 512 of 10240 bytes: No space left on device'),
      {},
    );
    expect(f).toMatchObject({ kind: 'refused', error: FILES_DO_NOT_FIT });
    expect(f.kind === 'refused' && f.note).toMatch(/No space left on device/);
  });

  it('any other copy-in failure is the platform’s, retried', () => {
    expect(classifyFailure(copyFailed('the sandbox closed its input'), {})).toMatchObject({
      kind: 'platform',
    });
  });

  it('an engine away is engine-down; outbound unavailable is refused', () => {
    expect(
      classifyFailure(new SandboxPlatformError(SandboxErrorCode.EngineUnreachable, 'gone'), {}),
    ).toMatchObject({ kind: 'engine-down' });
    expect(classifyFailure(new OutboundUnavailableError('no rules'), {})).toMatchObject({
      kind: 'refused',
      error: OUTBOUND_UNAVAILABLE,
    });
  });

  it("scrubs the job's secret values from a platform reason", () => {
    const f = classifyFailure(new Error('boom s3cr3t-value'), { TOKEN: 's3cr3t-value' });
    expect(f).toMatchObject({ kind: 'platform' });
    expect(f.kind === 'platform' && f.reason).not.toContain('s3cr3t-value');
  });
});
