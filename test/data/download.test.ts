import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DownloadError, downloadFile, fileDigest } from '../../src/data/download.js';
import type { Checksum } from '../../src/data/download.js';
import { startServer } from './http-server.js';
import type { Route, TestServer } from './http-server.js';

const dir = mkdtempSync(join(tmpdir(), 'convnet-download-'));
const BODY = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) % 251);
const md5 = (bytes: Uint8Array): Checksum => ({
  algorithm: 'md5',
  digest: createHash('md5').update(bytes).digest('hex'),
});
const sha256 = (bytes: Uint8Array): Checksum => ({
  algorithm: 'sha256',
  digest: createHash('sha256').update(bytes).digest('hex'),
});

let server: TestServer;
before(async () => {
  server = await startServer(
    new Map<string, Route>([
      ['/good.bin', { kind: 'file', body: BODY }],
      ['/chunked.bin', { kind: 'file', body: BODY, chunked: true }],
      ['/moved.bin', { kind: 'redirect', location: '/good.bin' }],
      ['/loop.bin', { kind: 'redirect', location: '/loop.bin' }],
      ['/truncated.bin', { kind: 'truncated', body: BODY, sent: 70_000 }],
      ['/truncated-chunked.bin', { kind: 'truncated', body: BODY, sent: 70_000, chunked: true }],
      ['/server-error.bin', { kind: 'status', status: 500 }],
      ['/silent.bin', { kind: 'silent' }],
    ]),
  );
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** No temporary .part files are left anywhere in the directory. */
function assertNoPartFiles(): void {
  const leftovers = readdirSync(dir).filter((name) => name.endsWith('.part'));
  assert.deepEqual(leftovers, []);
}

async function rejectsWith(promise: Promise<void>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DownloadError, `a DownloadError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('downloadFile', () => {
  it('downloads and verifies md5 and sha256 checksums, leaving no temporary file', async () => {
    for (const [name, checksum] of [
      ['md5.bin', md5(BODY)],
      ['sha256.bin', sha256(BODY)],
    ] as const) {
      const dest = join(dir, 'nested', name);
      await downloadFile(`${server.url}good.bin`, dest, { checksum });
      assert.deepEqual(new Uint8Array(readFileSync(dest)), BODY);
      assert.equal(await fileDigest(dest, checksum.algorithm), checksum.digest);
    }
    const chunked = join(dir, 'chunked.bin');
    await downloadFile(`${server.url}chunked.bin`, chunked, { checksum: md5(BODY) });
    assert.deepEqual(new Uint8Array(readFileSync(chunked)), BODY);
    assertNoPartFiles();
  });

  it('follows redirects, but not forever', async () => {
    const dest = join(dir, 'moved.bin');
    await downloadFile(`${server.url}moved.bin`, dest, { checksum: md5(BODY) });
    assert.deepEqual(new Uint8Array(readFileSync(dest)), BODY);
    await rejectsWith(
      downloadFile(`${server.url}loop.bin`, join(dir, 'loop.bin')),
      /loop\.bin: too many redirects/,
    );
  });

  it('rejects a corrupt file (checksum mismatch) and removes it', async () => {
    const dest = join(dir, 'corrupt.bin');
    const wrong = md5(Uint8Array.from([1, 2, 3]));
    await rejectsWith(
      downloadFile(`${server.url}good.bin`, dest, { checksum: wrong }),
      new RegExp(
        `good\\.bin: checksum mismatch: expected md5 ${wrong.digest}, got ${md5(BODY).digest}; the download was discarded`,
      ),
    );
    assert.equal(existsSync(dest), false);
    assertNoPartFiles();
  });

  it('rejects a truncated response, with or without Content-Length', async () => {
    await rejectsWith(
      downloadFile(`${server.url}truncated.bin`, join(dir, 'truncated.bin')),
      /truncated\.bin: truncated: the connection ended after \d+ of 200000 bytes/,
    );
    await rejectsWith(
      downloadFile(`${server.url}truncated-chunked.bin`, join(dir, 'truncated-chunked.bin')),
      /truncated-chunked\.bin: truncated: the connection ended after \d+ bytes/,
    );
    assert.equal(existsSync(join(dir, 'truncated.bin')), false);
    assertNoPartFiles();
  });

  it('rejects 404 and 500 answers, a silent server and a refused connection', async () => {
    await rejectsWith(
      downloadFile(`${server.url}missing.bin`, join(dir, 'a')),
      /missing\.bin: HTTP 404 Not Found$/,
    );
    await rejectsWith(
      downloadFile(`${server.url}server-error.bin`, join(dir, 'b')),
      /server-error\.bin: HTTP 500 Internal Server Error$/,
    );
    await rejectsWith(
      downloadFile(`${server.url}silent.bin`, join(dir, 'c'), { timeoutMs: 200 }),
      /silent\.bin: truncated: the connection ended after 0 of 10 bytes \(no data for 200 ms\)/,
    );
    const closed = await startServer(new Map());
    const closedUrl = closed.url;
    await closed.close();
    await rejectsWith(
      downloadFile(`${closedUrl}x.bin`, join(dir, 'd')),
      /x\.bin: request failed \(connect ECONNREFUSED/,
    );
    await rejectsWith(
      downloadFile('ftp://example.org/x', join(dir, 'e')),
      /only http and https URLs/,
    );
    for (const name of ['a', 'b', 'c', 'd', 'e']) assert.equal(existsSync(join(dir, name)), false);
    assertNoPartFiles();
  });

  it('leaves an existing destination untouched when a new download fails', async () => {
    const dest = join(dir, 'keep.bin');
    writeFileSync(dest, 'previous complete file');
    await rejectsWith(downloadFile(`${server.url}truncated.bin`, dest), /truncated/);
    await rejectsWith(
      downloadFile(`${server.url}good.bin`, dest, { checksum: sha256(new Uint8Array(1)) }),
      /checksum mismatch/,
    );
    assert.equal(readFileSync(dest, 'utf8'), 'previous complete file');
    assertNoPartFiles();
  });
});
