// Compiles the AssemblyScript kernels (src/kernels/wasm/assembly) to WebAssembly, in four builds:
// every file in that folder is an entry, so each exported function becomes a module export (no
// index of kernels to keep); helpers that are not kernels live in its lib/ folder.
// 128-bit SIMD, or SIMD plus relaxed SIMD's fused multiply-add; each importing a shared memory
// (for worker threads) or a plain one (for pages that are not cross-origin isolated, where
// SharedArrayBuffer does not exist).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(
  dirname(createRequire(import.meta.url).resolve('assemblyscript/package.json')),
  'bin',
  'asc.js',
);
mkdirSync(join(root, 'build'), { recursive: true });

const assembly = join(root, 'src/kernels/wasm/assembly');
const entries = readdirSync(assembly)
  .filter((file) => file.endsWith('.ts'))
  .sort()
  .map((file) => join(assembly, file));
const common = [
  ...entries,
  '-O3',
  '--runtime',
  'stub',
  '--noAssert',
  '--importMemory',
  '--initialMemory',
  '32',
  '--maximumMemory',
  '32768',
];
for (const simd of ['simd', 'relaxed-simd']) {
  for (const shared of [true, false]) {
    const name = `kernels-${simd}${shared ? '-shared' : ''}.wasm`;
    const features = simd === 'simd' ? 'simd,threads' : 'simd,threads,relaxed-simd';
    const flags = shared ? ['--sharedMemory'] : [];
    execFileSync(
      process.execPath,
      [asc, ...common, ...flags, '--enable', features, '-o', join(root, 'build', name)],
      {
        stdio: 'inherit',
      },
    );
    console.log(`built build/${name}`);
  }
}
