/**
 * Real platform values, planted where a deployment has them: in the server's configuration AND
 * in the environment of the process that runs the server (and so its inline worker). A sandbox
 * that sees any of them has leaked the platform's secrets; a check against values that never
 * reach the server could not fail.
 */
export class PlantedSecrets {
  readonly apiKey = 'planted-api-key-0123456789abcdef';
  readonly adminPassword = 'planted-admin-password-5c1d';
  readonly canary = 'planted-canary-9e27b4';
  private readonly saved: Record<string, string | undefined> = {};

  /** The server's configuration: admin board and API keys on, with the planted values. */
  get config(): Record<string, string> {
    return { ADMIN_USER: 'ops', ADMIN_PASSWORD: this.adminPassword, API_KEYS: this.apiKey };
  }

  /** Puts them (and the Redis URL) into this process's environment, as a deployment would. */
  plant(redisUrl: string): void {
    const env = {
      ...this.config,
      REDIS_URL: redisUrl,
      JOB_RUNNER_PLANTED_CANARY: this.canary,
    };
    for (const [k, v] of Object.entries(env)) {
      this.saved[k] = process.env[k];
      process.env[k] = v;
    }
  }

  restore(): void {
    for (const [k, v] of Object.entries(this.saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }

  /** Every planted name and value that must not appear in what a sandbox can see. */
  forbidden(redisUrl: string): string[] {
    const u = new URL(redisUrl);
    return [
      this.apiKey,
      this.adminPassword,
      this.canary,
      redisUrl,
      `${u.hostname}:${u.port}`,
      'ADMIN_PASSWORD',
      'API_KEYS',
      'REDIS_URL',
      'JOB_RUNNER_PLANTED_CANARY',
    ];
  }
}
