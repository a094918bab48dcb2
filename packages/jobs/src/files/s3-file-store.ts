import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {
  isSafeRelativeName,
  type ByteRange,
  type FileStore,
  type StoredArtifact,
} from './file-store';
import type { JobDirs, JobFiles } from './job-files';

export interface S3FileStoreOptions {
  client: S3ClientConfig;
  bucket: string;
  /** Keys of this deployment start `<namespace>/jobs/`: queues sharing a bucket never meet. */
  namespace: string;
  /** Whose working copies this process makes (the worker's id; the API makes none). */
  owner: string;
}

/** Files moved to or from the store at once, per job. */
const PARALLEL = 4;

/**
 * Job files in an S3-compatible bucket (AWS, MinIO, Ceph, R2), so the API and the workers share
 * no disk: `<namespace>/jobs/<id>/{code,input,output}/<name>` and the job's environment file
 * (sealed: JOB_SECRETS_KEY is required with this store). Every transfer streams from or to a
 * file on the local disk (staging on the API, a scratch working copy on a worker): no file is
 * ever whole in memory.
 */
export class S3FileStore implements FileStore {
  readonly kind = 's3';
  private readonly s3: S3Client;

  constructor(
    private readonly opts: S3FileStoreOptions,
    /** This process's own disk: the API's staging area, a worker's scratch copies. */
    private readonly local: JobFiles,
  ) {
    this.s3 = new S3Client(opts.client);
  }

  private prefix(jobId?: string): string {
    return `${this.opts.namespace}/jobs/${jobId ? `${jobId}/` : ''}`;
  }

  async init(): Promise<void> {
    await this.local.init();
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.opts.bucket }));
    } catch (err) {
      throw new Error(
        httpStatus(err) === 404
          ? `S3_BUCKET ${this.opts.bucket} does not exist (create it first)`
          : `the S3 store cannot be used (S3_BUCKET ${this.opts.bucket}): ${describe(err)}`,
        { cause: err },
      );
    }
  }

  async commit(staged: JobDirs, jobId: string): Promise<void> {
    try {
      const files = await listFiles(staged.root);
      await inBatches(files, (rel) =>
        this.put(this.prefix(jobId) + rel, path.join(staged.root, rel)),
      );
    } catch (err) {
      // Nothing half-written is left under the job id.
      await this.remove(jobId).catch(() => undefined);
      throw err;
    } finally {
      await this.local.discard(staged);
    }
  }

  async checkout(jobId: string): Promise<JobDirs> {
    const copy = await this.local.scratch(this.opts.owner);
    try {
      // A rerun must not see an earlier run's artifacts.
      await this.removePrefix(`${this.prefix(jobId)}output/`);
      const prefix = this.prefix(jobId);
      const keys = (await this.keys(prefix)).map((k) => k.slice(prefix.length));
      await inBatches(keys, async (rel) => {
        if (!isSafeRelativeName(rel) || rel.startsWith('output/')) return;
        const dest = path.join(copy.root, rel);
        await fs.promises.mkdir(path.dirname(dest), { recursive: true });
        const got = await this.s3.send(
          new GetObjectCommand({ Bucket: this.opts.bucket, Key: prefix + rel }),
        );
        // wx: a name that came twice never overwrites; 0600: the environment file is among them.
        await pipeline(
          got.Body as Readable,
          fs.createWriteStream(dest, { flags: 'wx', mode: 0o600 }),
        );
      });
      return copy;
    } catch (err) {
      await this.release(copy);
      throw err;
    }
  }

  async checkin(jobId: string, copy: JobDirs, artifacts: string[]): Promise<void> {
    try {
      await inBatches(artifacts.filter(isSafeRelativeName), (name) =>
        this.put(`${this.prefix(jobId)}output/${name}`, path.join(copy.output, name)),
      );
    } finally {
      await this.release(copy);
    }
  }

  release(copy: JobDirs): Promise<void> {
    return this.local.discard(copy);
  }

  async openArtifact(jobId: string, name: string): Promise<StoredArtifact | null> {
    if (!isSafeRelativeName(name)) return null;
    const key = `${this.prefix(jobId)}output/${name}`;
    let size: number;
    try {
      const head = await this.s3.send(
        new HeadObjectCommand({ Bucket: this.opts.bucket, Key: key }),
      );
      size = head.ContentLength ?? 0;
    } catch (err) {
      if (httpStatus(err) === 404) return null;
      throw err;
    }
    return {
      size,
      read: (range?: ByteRange): Readable => {
        // Handed out at once; the object's bytes flow in as the store sends them.
        const out = new PassThrough();
        const abort = new AbortController();
        out.on('close', () => abort.abort());
        this.s3
          .send(
            new GetObjectCommand({
              Bucket: this.opts.bucket,
              Key: key,
              ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
            }),
            { abortSignal: abort.signal },
          )
          .then((got) => pipeline(got.Body as Readable, out))
          .catch((err: unknown) => out.destroy(err as Error));
        return out;
      },
      // Nothing is held open until the bytes are read.
      close: () => Promise.resolve(),
    };
  }

  remove(jobId: string): Promise<void> {
    return this.removePrefix(this.prefix(jobId));
  }

  async jobIds(): Promise<string[]> {
    const ids: string[] = [];
    const prefix = this.prefix();
    for await (const page of this.list(prefix, '/'))
      for (const p of page.CommonPrefixes ?? [])
        if (p.Prefix) ids.push(p.Prefix.slice(prefix.length).replace(/\/$/, ''));
    return ids;
  }

  /** Every page of a listing (the SDK's own paginator follows the continuation tokens). */
  private list(prefix: string, delimiter?: string) {
    return paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.opts.bucket, Prefix: prefix, Delimiter: delimiter },
    );
  }

  private async put(key: string, file: string): Promise<void> {
    const { size } = await fs.promises.stat(file);
    // A stream with its length: one PUT, streamed, never buffered whole.
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.opts.bucket,
        Key: key,
        Body: fs.createReadStream(file),
        ContentLength: size,
      }),
    );
  }

  private async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of this.list(prefix))
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    return keys;
  }

  private async removePrefix(prefix: string): Promise<void> {
    const keys = await this.keys(prefix);
    // DeleteObjects takes up to 1000 keys a call.
    for (let i = 0; i < keys.length; i += 1000)
      await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.opts.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
  }

  close(): void {
    this.s3.destroy();
  }
}

/** Regular files under `root`, as `/`-separated names relative to it. */
async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.promises.readdir(path.join(root, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, name)));
    else if (e.isFile()) out.push(name);
  }
  return out;
}

/** Runs `fn` over `items`, PARALLEL at a time; the first failure fails the whole. */
async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL)
    await Promise.all(items.slice(i, i + PARALLEL).map(fn));
}

/** The HTTP status the store answered a failed call with, when it answered. */
const httpStatus = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

const describe = (err: unknown) =>
  (err as Error)?.name && (err as Error).name !== 'Error'
    ? `${(err as Error).name}: ${(err as Error).message}`
    : String((err as Error)?.message ?? err);
