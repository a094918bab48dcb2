import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

const load = (env: Record<string, string>) => loadConfig(env, { dotenvDir: null });
const KEY_HEX = 'ab'.repeat(32);

describe('file store settings', () => {
  it('keeps job files in JOB_DATA_DIR by default, with secrets unsealed', () => {
    expect(load({})).toMatchObject({ fileStore: { kind: 'local' }, secretsKey: null });
  });

  it('passes the S3 settings through, credentials only when given', () => {
    const c = load({
      FILE_STORE: 's3',
      S3_BUCKET: 'jobs-bucket',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: '1',
      JOB_SECRETS_KEY: KEY_HEX,
    });
    expect(c.fileStore).toEqual({
      kind: 's3',
      endpoint: 'http://minio:9000',
      bucket: 'jobs-bucket',
      region: 'us-east-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      forcePathStyle: true,
    });
    expect(c.secretsKey).toEqual(Buffer.from(KEY_HEX, 'hex'));
    const sdkChain = load({ FILE_STORE: 's3', S3_BUCKET: 'jobs-bucket', JOB_SECRETS_KEY: KEY_HEX });
    expect(sdkChain.fileStore).toMatchObject({ endpoint: undefined, credentials: undefined });
  });

  it('reads the key as 64 hex digits or as base64', () => {
    const bytes = Buffer.alloc(32, 7);
    expect(load({ JOB_SECRETS_KEY: bytes.toString('base64') }).secretsKey).toEqual(bytes);
  });

  it('refuses s3 without a bucket or a secrets key, naming both, and a key of the wrong size', () => {
    const s3 = () => load({ FILE_STORE: 's3' });
    expect(s3).toThrow(ConfigError);
    expect(s3).toThrow(/S3_BUCKET: is required with FILE_STORE=s3/);
    expect(s3).toThrow(/JOB_SECRETS_KEY: is required with FILE_STORE=s3/);
    const short = () => load({ JOB_SECRETS_KEY: 'abcd' });
    expect(short).toThrow(/JOB_SECRETS_KEY: must be 32 bytes/);
    // A secret is never echoed, not even when it is wrong.
    expect(short).toThrow(/\(got \(hidden\)\)/);
    expect(() => load({ FILE_STORE: 'nfs' })).toThrow(/FILE_STORE: must be one of \[local, s3\]/);
    expect(() => load({ S3_ENDPOINT: 'ftp://x' })).toThrow(/S3_ENDPOINT/);
  });
});
