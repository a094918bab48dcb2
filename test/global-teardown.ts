import fs from 'node:fs';

export default function globalTeardown(): void {
  const info = (globalThis as Record<string, unknown>).__TEST_REDIS__ as
    { pid?: number; dir: string } | undefined;
  if (!info) return;
  if (info.pid) {
    try {
      process.kill(info.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  fs.rmSync(info.dir, { recursive: true, force: true });
}
