import type { FileInfo, JobDirs, JobSpec } from '@job-runner/jobs';

/** A parsed, validated POST /jobs body whose files sit in a staging area. */
export interface Submission {
  spec: JobSpec;
  staged: JobDirs;
  files: { code: FileInfo[]; input: FileInfo[] };
}

export interface UploadLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxBodyBytes: number;
}

export type FileGroup = 'code' | 'input';
export const FILE_FIELDS: Record<string, FileGroup> = { code_files: 'code', input_files: 'input' };
