import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';

/**
 * A tar stream holding the regular files directly inside each host directory, under the
 * given prefix (`code/x.py`, `input/data.csv`). Anything but a regular file is left out.
 * tar-stream's pack is a streamx stream whose typings claim a Node Readable; it lacks parts of
 * that API (`unpipe`, for one), so it is handed out wrapped in a real one.
 */
export function packDirectories(dirs: { prefix: string; dir: string }[]): Readable {
  const pack = tar.pack();
  void (async () => {
    for (const { prefix, dir } of dirs) {
      pack.entry({ name: `${prefix}/`, type: 'directory', mode: 0o755 });
      for (const name of (await fs.promises.readdir(dir).catch(() => [] as string[])).sort()) {
        const file = path.join(dir, name);
        const st = await fs.promises.lstat(file);
        if (!st.isFile()) continue;
        const entry = pack.entry({ name: `${prefix}/${name}`, size: st.size, mode: 0o644 });
        await pipeline(fs.createReadStream(file), entry);
      }
    }
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  return Readable.from(pack, { objectMode: false });
}
