import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stderr: string;
}

/**
 * Runs a command to its end with optional stdin; never rejects (a missing binary is exit code
 * null with the spawn error as stderr), so callers decide what a failure means.
 */
export function runCommand(cmd: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    let stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (err) {
      resolve({ code: null, stderr: (err as Error).message });
      return;
    }
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString();
    });
    child.on('error', (err) => resolve({ code: null, stderr: err.message }));
    child.on('close', (code) => resolve({ code, stderr: stderr.trim() }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
