/** File helpers for Node: atomic writes (temp file in the same folder, then rename). */
import { mkdir, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** Writes `text` to `path` so that readers see the old file or the whole new one, never a part. */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
