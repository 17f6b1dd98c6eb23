/**
 * Atomic file replacement: after writeFileAtomic(path, data) returns, path holds data; if the
 * process dies (or the machine loses power) at any moment before that, path holds whatever it
 * held before, complete, or does not exist if it did not exist. Never a partial file.
 *
 * How:
 * 1. write the data to a new temp file in the same directory (same filesystem, so the rename
 *    below is atomic), named `.<name>.<16 hex digits>.tmp` and created exclusively;
 * 2. fsync it, so its contents are on disk before its name is;
 * 3. rename it over path (atomic on POSIX; on Windows, MoveFileEx with replace);
 * 4. fsync the directory, so the rename itself survives a power loss (skipped where the OS
 *    cannot open or fsync a directory, as on Windows).
 * A failure before the rename removes the temp file and rethrows. A crash before the rename
 * leaves the temp file behind (nothing can remove it then): parseTempName recognises those
 * names, so that an owner of the directory can clean up (checkpoint.ts does).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of a newly written file (before the umask). Default 0o666. */
  mode?: number;
}

const TEMP_NAME = /^\.(.+)\.[0-9a-f]{16}\.tmp$/s;

/** Writes data to path atomically and durably (see the file's comment). */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  { mode = 0o666 }: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** The synchronous writeFileAtomic. */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  { mode = 0o666 }: AtomicWriteOptions = {},
): void {
  const temp = tempPathFor(path);
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone: nothing to clean up.
    }
    throw error;
  }
  syncDirectorySync(dirname(path));
}

/** For a file name made by writeFileAtomic's temp naming, the name of its target; else null. */
export function parseTempName(fileName: string): string | null {
  const match = TEMP_NAME.exec(fileName);
  return match === null ? null : match[1];
}

/** Makes a directory's entries (new names, renames) durable; a no-op where unsupported. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (isUnsupported(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isUnsupported(error)) throw error;
  } finally {
    await handle.close();
  }
}

/** The synchronous syncDirectory. */
export function syncDirectorySync(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (error) {
    if (isUnsupported(error)) return;
    throw error;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    if (!isUnsupported(error)) throw error;
  } finally {
    closeSync(fd);
  }
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
}

/** The errors a platform gives when directories cannot be opened or fsynced (Windows, some FUSE). */
function isUnsupported(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return (
    code === 'EISDIR' ||
    code === 'EPERM' ||
    code === 'EINVAL' ||
    code === 'ENOTSUP' ||
    code === 'EACCES'
  );
}
