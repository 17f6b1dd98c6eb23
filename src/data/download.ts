/**
 * Downloading a file safely: over http or https (following redirects), checked against a
 * published checksum, and written atomically.
 *
 * The bytes stream into a hidden temporary file beside the destination
 * (`.name.<pid>.<random>.part`), hashed on the way. Only when every byte promised by
 * Content-Length has arrived and the digest matches is the file fsynced and renamed onto its
 * final name; rename within a directory is atomic, so the destination either does not exist
 * or is complete and verified. On any failure (HTTP error, truncated body, checksum mismatch,
 * timeout) the temporary file is removed and a DownloadError names the URL and the problem.
 * A process killed mid-download leaves at most a `.part` file, never a half-written
 * destination.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { basename, dirname, join } from 'node:path';

export type ChecksumAlgorithm = 'md5' | 'sha256';

/** A file's expected digest, lowercase hex. */
export interface Checksum {
  algorithm: ChecksumAlgorithm;
  digest: string;
}

export class DownloadError extends Error {
  override name = 'DownloadError';
}

export interface DownloadOptions {
  /** Reject the file unless its digest matches. */
  checksum?: Checksum;
  /** Give up when the connection is silent this long, in ms; default 60,000. */
  timeoutMs?: number;
  /** Reject bodies larger than this; default 2 GiB. */
  maxBytes?: number;
  /** The most redirects to follow; default 5. */
  maxRedirects?: number;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The hex digest of a file's bytes. */
export async function fileDigest(path: string, algorithm: ChecksumAlgorithm): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) {
    if (chunk instanceof Buffer) hash.update(chunk);
  }
  return hash.digest('hex');
}

/** GETs a URL and resolves with the 200 response, following redirects. */
function get(url: string, timeoutMs: number, redirectsLeft: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new DownloadError(`${url}: not a valid URL`));
      return;
    }
    const client =
      parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (client === undefined) {
      reject(new DownloadError(`${url}: only http and https URLs can be downloaded`));
      return;
    }
    const request = client.get(parsed, { timeout: timeoutMs }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        if (redirectsLeft <= 0) {
          reject(new DownloadError(`${url}: too many redirects`));
          return;
        }
        get(new URL(location, parsed).href, timeoutMs, redirectsLeft - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(new DownloadError(`${url}: HTTP ${status} ${response.statusMessage ?? ''}`.trim()));
        return;
      }
      response.setTimeout(timeoutMs, () => {
        response.destroy(new Error(`no data for ${timeoutMs} ms`));
      });
      resolve(response);
    });
    request.on('timeout', () => {
      request.destroy(new Error(`no response within ${timeoutMs} ms`));
    });
    request.on('error', (error) => {
      reject(new DownloadError(`${url}: request failed (${reasonOf(error)})`));
    });
  });
}

async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Downloads `url` to `dest` atomically, verifying `checksum` if given. Creates the
 * destination's directory. Rejects with a DownloadError; nothing is left at `dest` then.
 */
export async function downloadFile(
  url: string,
  dest: string,
  { checksum, timeoutMs = 60_000, maxBytes = 2 ** 31, maxRedirects = 5 }: DownloadOptions = {},
): Promise<void> {
  const dir = dirname(dest);
  await mkdir(dir, { recursive: true });
  const temp = join(
    dir,
    `.${basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}.part`,
  );
  let file: FileHandle | null = null;
  try {
    const response = await get(url, timeoutMs, maxRedirects);
    // Held until the body is read, so an error before the loop below starts is not lost.
    let streamError: unknown = null;
    response.on('error', (error) => {
      streamError = error;
    });
    const lengthHeader = response.headers['content-length'];
    const expected = lengthHeader === undefined ? null : Number(lengthHeader);
    if (expected !== null && expected > maxBytes) {
      response.destroy();
      throw new DownloadError(`${url}: ${expected} bytes is over the limit of ${maxBytes}`);
    }
    file = await open(temp, 'wx');
    const hash = createHash(checksum?.algorithm ?? 'sha256');
    let received = 0;
    try {
      for await (const chunk of response) {
        if (!(chunk instanceof Uint8Array)) continue;
        received += chunk.length;
        if (received > maxBytes) {
          response.destroy();
          throw new DownloadError(`${url}: body is over the limit of ${maxBytes} bytes`);
        }
        hash.update(chunk);
        await writeAll(file, chunk);
      }
      if (streamError !== null) throw streamError;
    } catch (error) {
      if (error instanceof DownloadError) throw error;
      throw new DownloadError(
        `${url}: truncated: the connection ended after ${received}${expected === null ? '' : ` of ${expected}`} bytes (${reasonOf(error)})`,
      );
    }
    if (expected !== null && received !== expected) {
      throw new DownloadError(`${url}: truncated: expected ${expected} bytes, got ${received}`);
    }
    const digest = hash.digest('hex');
    if (checksum !== undefined && digest !== checksum.digest.toLowerCase()) {
      throw new DownloadError(
        `${url}: checksum mismatch: expected ${checksum.algorithm} ${checksum.digest}, got ${digest}; the download was discarded`,
      );
    }
    await file.sync();
    await file.close();
    file = null;
    await rename(temp, dest);
    await syncDirectory(dir);
  } catch (error) {
    if (file !== null) await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error instanceof DownloadError
      ? error
      : new DownloadError(`${url}: download to ${dest} failed (${reasonOf(error)})`);
  }
}

/** Makes a rename durable (best effort: some platforms cannot open a directory). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Directory fsync is unsupported on some platforms (Windows); the rename is still atomic.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
