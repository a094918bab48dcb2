import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  paginateListObjectsV2,
  GetObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { canConnect } from './fake-hosts';
import { freePort } from './free-port';

const S3RVER = path.join(__dirname, '..', '..', 'node_modules', 's3rver', 'bin', 's3rver.js');

/**
 * An S3-compatible server of the test's own (s3rver, in a process of its own, spoken to over
 * HTTP by the real AWS SDK), with one bucket. It checks signatures with the key id S3RVER.
 */
export class S3Server {
  static readonly BUCKET = 'job-runner-test';
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-s3-'));
  private child: ChildProcess | null = null;
  port = 0;

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The variables that point the platform at it. */
  get env(): Record<string, string> {
    return {
      FILE_STORE: 's3',
      S3_ENDPOINT: this.endpoint,
      S3_BUCKET: S3Server.BUCKET,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: '1',
      JOB_SECRETS_KEY: 'a1'.repeat(32),
    };
  }

  get clientConfig(): S3ClientConfig {
    return {
      endpoint: this.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    };
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.child = spawn(
      process.execPath,
      [
        S3RVER,
        '-d',
        this.dir,
        '-a',
        '127.0.0.1',
        '-p',
        String(this.port),
        '--silent',
        '--configure-bucket',
        S3Server.BUCKET,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (await canConnect('127.0.0.1', this.port, 500)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('s3rver did not come up');
  }

  /** Every key in the bucket under `prefix`. */
  async keys(prefix = ''): Promise<string[]> {
    const s3 = new S3Client(this.clientConfig);
    try {
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2(
        { client: s3 },
        { Bucket: S3Server.BUCKET, Prefix: prefix },
      ))
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      return keys.sort();
    } finally {
      s3.destroy();
    }
  }

  /** An object's bytes. */
  async object(key: string): Promise<Buffer> {
    const s3 = new S3Client(this.clientConfig);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: S3Server.BUCKET, Key: key }));
      return Buffer.from(await got.Body!.transformToByteArray());
    } finally {
      s3.destroy();
    }
  }

  async dispose(): Promise<void> {
    if (this.child?.exitCode === null) {
      const exited = new Promise((r) => this.child!.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
