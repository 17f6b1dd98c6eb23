/**
 * The README's "A model in a few lines", run as a user runs it: a child process whose script is
 * the README's code block (the package imported from src/, the loop cut to a few steps). It must
 * end by itself: idle wasm workers never keep Node alive (docs/fast-backend.md), so the script
 * is run without its closing backend.dispose() too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'convnet-readme-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The ts block under "## A model in a few lines". */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A model in a few lines'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match !== null, 'README.md has a ts block under "A model in a few lines"');
  return match[1];
}

/** The example as a script: imports from src/, at most `steps` batches, optionally no dispose. */
function exampleScript(steps: number, dispose: boolean): string {
  let code = readmeExample();
  const index = pathToFileURL(join(root, 'src', 'index.ts')).href;
  assert.ok(code.includes("from 'convnet-ts'"), 'the example imports convnet-ts');
  code = code.replace("from 'convnet-ts'", `from '${index}'`);
  assert.ok(code.includes('loader.epoch(0)'), 'the example loops over loader.epoch(0)');
  code = code.replace('loader.epoch(0)', `firstBatches(loader.epoch(0), ${steps})`);
  if (!dispose) code = code.replace(/^backend\.dispose\(\);.*$/m, '');
  return `${code}
function* firstBatches<T>(batches: Iterable<T>, n: number): Generator<T> {
  let i = 0;
  for (const batch of batches) {
    if (i++ >= n) return;
    yield batch;
  }
}
console.log('example done');
`;
}

function runScript(file: string, timeoutMs: number): Promise<{ exited: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ exited: false, output });
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exited: true, output: `${output}(exit code ${code})` });
    });
  });
}

describe("the README's model in a few lines", () => {
  it('ends by itself when the loop is done, even without backend.dispose()', async () => {
    assert.match(readmeExample(), /^backend\.dispose\(\);/m, 'the example disposes its backend');
    const file = join(work, 'readme-example.mts');
    writeFileSync(file, exampleScript(3, false));
    const { exited, output } = await runScript(file, 60_000);
    assert.ok(output.includes('example done'), `the loop finished:\n${output}`);
    assert.ok(
      exited,
      `the process was still running 60 s later (workers keep it alive):\n${output}`,
    );
    assert.match(output, /\(exit code 0\)$/);
  });
});
