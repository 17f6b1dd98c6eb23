import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseTempName, writeFileAtomic, writeFileAtomicSync } from '../../src/io/atomic-write.js';
import { Rng } from '../../src/rng.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRITER = fileURLToPath(new URL('helpers/atomic-writer.ts', import.meta.url));

async function withTempDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'convnet-atomic-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const variants = [
  { name: 'writeFileAtomic', write: writeFileAtomic },
  {
    name: 'writeFileAtomicSync',
    write: async (path: string, data: string | Uint8Array, options?: { mode?: number }) =>
      writeFileAtomicSync(path, data, options),
  },
];

for (const { name, write } of variants) {
  describe(name, () => {
    it('creates and replaces files, leaving no temp files', () =>
      withTempDir(async (dir) => {
        const path = join(dir, 'out.bin');
        await write(path, Uint8Array.from([1, 2, 3]));
        assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
        await write(path, 'replaced ✓');
        assert.equal(readFileSync(path, 'utf8'), 'replaced ✓');
        await write(path, new Uint8Array(0));
        assert.equal(readFileSync(path).length, 0);
        assert.deepEqual(readdirSync(dir), ['out.bin']);
      }));

    it(
      'sets the mode of a new file',
      { skip: process.platform === 'win32' && 'no POSIX modes' },
      () =>
        withTempDir(async (dir) => {
          const path = join(dir, 'private.json');
          await write(path, '{}', { mode: 0o600 });
          assert.equal(statSync(path).mode & 0o777, 0o600);
        }),
    );

    it('removes its temp file and keeps the target when the rename fails', () =>
      withTempDir(async (dir) => {
        const target = join(dir, 'occupied');
        mkdirSync(target);
        writeFileSync(join(target, 'inside.txt'), 'keep');
        await assert.rejects(write(target, 'data'), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
        assert.deepEqual(readdirSync(dir), ['occupied']);
        assert.equal(readFileSync(join(target, 'inside.txt'), 'utf8'), 'keep');
      }));

    it('fails without creating anything when the directory does not exist', () =>
      withTempDir(async (dir) => {
        await assert.rejects(write(join(dir, 'missing', 'out.bin'), 'x'), /ENOENT/);
        assert.deepEqual(readdirSync(dir), []);
      }));
  });
}

describe('parseTempName', () => {
  // The crash tests below check that the names real writes leave behind are recognised.
  it('recognises the temp names writeFileAtomic uses, and only those', () => {
    assert.equal(
      parseTempName('.weights-3.safetensors.0123456789abcdef.tmp'),
      'weights-3.safetensors',
    );
    assert.equal(parseTempName('..hidden.0123456789abcdef.tmp'), '.hidden');
    assert.equal(parseTempName('weights-3.safetensors'), null);
    assert.equal(parseTempName('.a.0123.tmp'), null);
    assert.equal(parseTempName('.a.0123456789ABCDEF.tmp'), null);
    assert.equal(parseTempName('.0123456789abcdef.tmp'), null);
  });
});

interface KillResult {
  /** The last version the child reported as written before it was killed. */
  lastReported: number;
}

/**
 * Starts the writer child on path, waits until it has written `after` versions and then
 * `delayMs` more, and kills it with SIGKILL.
 */
function runAndKill(
  path: string,
  size: number,
  after: number,
  delayMs: number,
): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(size)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastReported = 0;
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().trim().split('\n');
      lastReported = Number(lines[lines.length - 1]);
      if (lastReported >= after && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    // 'close', not 'exit': every version the child printed has been read by then.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ lastReported });
      else
        reject(
          new Error(`the writer exited with ${code ?? signal} before it was killed: ${stderr}`),
        );
    });
  });
}

describe('writeFileAtomic under SIGKILL', () => {
  it('leaves the previous file complete, never a partial one', { timeout: 120_000 }, () =>
    withTempDir(async (dir) => {
      const size = 24 * 1024 * 1024;
      const path = join(dir, 'big.bin');
      writeFileAtomicSync(path, new Uint8Array(size).fill(0));
      const rng = new Rng(41);
      let killedMidWrite = 0;
      for (let trial = 0; trial < 10 && killedMidWrite < 2; trial++) {
        const { lastReported } = await runAndKill(path, size, 1, rng.uniform(0, 40));
        const contents = readFileSync(path);
        assert.equal(
          contents.length,
          size,
          `trial ${trial}: the target has ${contents.length} bytes`,
        );
        const version = contents[0];
        assert.ok(
          contents.every((b) => b === version),
          `trial ${trial}: the target mixes versions`,
        );
        assert.ok(
          version === lastReported % 251 || version === (lastReported + 1) % 251,
          `trial ${trial}: version ${version}, but the writer had reported ${lastReported}`,
        );
        const temps = readdirSync(dir).filter((f) => parseTempName(f) === 'big.bin');
        if (temps.length > 0) killedMidWrite++;
        for (const temp of temps) rmSync(join(dir, temp));
      }
      assert.equal(
        killedMidWrite,
        2,
        'kills seldom landed in the middle of a write: the test proved little',
      );
    }),
  );

  it('leaves no target at all when the first write is killed', { timeout: 60_000 }, () =>
    withTempDir(async (dir) => {
      const size = 64 * 1024 * 1024;
      const path = join(dir, 'first.bin');
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(size), '1'], {
        cwd: ROOT,
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_, signal) => resolve(signal)),
      );
      let tempSeen = false;
      while (!tempSeen) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        tempSeen = readdirSync(dir).some((f) => parseTempName(f) === 'first.bin');
        if (!tempSeen && readdirSync(dir).includes('first.bin')) break;
      }
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL', 'the writer finished before it could be killed');
      const names = readdirSync(dir);
      if (names.includes('first.bin')) {
        assert.equal(readFileSync(path).length, size, 'the target exists but is partial');
      } else {
        assert.ok(
          names.every((f) => parseTempName(f) === 'first.bin'),
          `unexpected files ${names.join(', ')}`,
        );
      }
    }),
  );
});
