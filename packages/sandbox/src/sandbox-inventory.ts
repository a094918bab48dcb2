/** A sandbox container as the engine lists it. */
export interface SandboxInfo {
  id: string;
  labels: Record<string, string>;
  /** Creation time, ms since the epoch. */
  createdMs: number;
  /** The job it runs (from its name); null for a sandbox no job has taken. */
  jobId: string | null;
}

/**
 * What a reaper needs of the engine: list the sandboxes carrying a label or running a job, and
 * remove one. Knows nothing of who owns what; the caller decides which ones are orphans.
 */
export interface SandboxInventory {
  listSandboxes(labelKey: string): Promise<SandboxInfo[]>;
  /** Ids of every sandbox of a job on this engine, whichever worker made it (from its name). */
  jobSandboxes(jobId: string): Promise<string[]>;
  removeSandbox(id: string): Promise<void>;
}
