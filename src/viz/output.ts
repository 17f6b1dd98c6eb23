/**
 * Writing the images and pages that src/viz makes: each file is written atomically
 * (src/io/atomic-write.ts: a temp file, fsync, rename), so a reader never sees half an image and
 * a crash leaves the previous file or none. The directory is created if needed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';

/** A file that was written, and its size. */
export interface WrittenFile {
  path: string;
  bytes: number;
}

/** Writes `data` to dir/name atomically; returns its path and size. */
export async function writeOutputFile(
  dir: string,
  name: string,
  data: string | Uint8Array,
): Promise<WrittenFile> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFileAtomic(path, data);
  const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
  return { path, bytes };
}

/** A layer name as a file-name part: characters other than letters, digits, '.', '_', '-' become '_'. */
export function fileNamePart(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? `_${safe}` : safe;
}
