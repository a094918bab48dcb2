import type { Config } from '@job-runner/config';
import type { FileStore } from './file-store';
import type { JobFiles } from './job-files';
import { LocalFileStore } from './local-file-store';
import { S3FileStore } from './s3-file-store';

/**
 * The file store FILE_STORE names. `local` is this process's own disk (JOB_DATA_DIR): the
 * store itself with FILE_STORE=local, the staging area and working copies with s3.
 */
export function createFileStore(config: Config, local: JobFiles, owner = 'api'): FileStore {
  const store = config.fileStore;
  if (store.kind === 'local') return new LocalFileStore(local);
  return new S3FileStore(
    {
      client: {
        endpoint: store.endpoint,
        region: store.region,
        credentials: store.credentials,
        forcePathStyle: store.forcePathStyle,
        // Checksums only where the S3 API requires them: the SDK's default (streamed bodies
        // sent aws-chunked with a checksum trailer) is refused or mangled by many
        // S3-compatible stores, and each transfer is verified by its length all the same.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      },
      bucket: store.bucket,
      namespace: config.queueName,
      owner,
    },
    local,
  );
}
