import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes each named artifact under `dir` (`sub/name` into a subdirectory), streaming it to a
 * temporary file renamed into place once whole: a failed download never leaves a truncated
 * file that looks complete. Names come from the server, which serves only names inside the
 * job's output directory; one that would land outside `dir` is refused all the same.
 */
export async function saveArtifacts(
  names: string[],
  dir: string,
  open: (name: string) => Promise<Response>,
): Promise<string[]> {
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  const saved: string[] = [];
  for (const name of names) {
    const target = path.resolve(root, ...name.split('/'));
    if (!target.startsWith(root + path.sep))
      throw new Error(`refusing artifact ${JSON.stringify(name)}: it would land outside ${dir}`);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(4).toString('hex')}.part`,
    );
    const res = await open(name);
    const file = await fs.open(temp, 'w');
    try {
      if (res.body) {
        const reader = res.body.getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read())
          await file.write(r.value);
      }
      await file.close();
      await fs.rename(temp, target);
    } catch (err) {
      await file.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      throw err;
    }
    saved.push(target);
  }
  return saved;
}
