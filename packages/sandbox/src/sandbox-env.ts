export interface SandboxDirs {
  input: string;
  output: string;
}

/**
 * The environment of the user's program: the contract's variables and the spec's `env`, never
 * anything of the platform's own. The spec cannot override the contract's variables.
 */
export function sandboxEnv(
  jobId: string,
  dirs: SandboxDirs,
  extra: Record<string, string>,
): Record<string, string> {
  return { ...extra, JOB_ID: jobId, JOB_INPUT_DIR: dirs.input, JOB_OUTPUT_DIR: dirs.output };
}

export function toEnvList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}
