// Compiles the AssemblyScript kernels (src/kernels/wasm/assembly) to WebAssembly, in four builds:
// 128-bit SIMD, or SIMD plus relaxed SIMD's fused multiply-add; each importing a shared memory
// (for worker threads) or a plain one (for pages that are not cross-origin isolated, where
// SharedArrayBuffer does not exist).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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

const common = [
  join(root, 'src/kernels/wasm/assembly/index.ts'),
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
