/**
 * Times the fast conv2d's paths (im2col, Winograd F(2,3), F(4,3), F(5,3)) on the preset nets' 3x3 layers,
 * forward, input gradient and weight gradient, batch 64, on 1 and 2 threads: medians of repeats, operands resident
 * in the kernels' memory so that only the kernels are timed. Prints one line per layer and pass.
 *
 *   node --import tsx scripts/winograd-speed.ts [repeats] [layer label part, e.g. 32->32]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createWasmBackend } from '../src/kernels/wasm/index.js';
import { withConv2dPath, type Conv2dPath } from '../src/kernels/wasm/conv2d-path.js';
import { Rng } from '../src/rng.js';
import { conv2dGeometry } from '../src/shape/conv2d.js';
import { Tensor } from '../src/tensor.js';

const repeats = Number(process.argv[2] ?? 7);
const N = 64;
const only = process.argv[3];
const layers: [string, number, number, number][] = [
  ['seed-net conv1 / fashion-net conv1, 1->32 @28', 1, 32, 28],
  ['fashion-net conv2, 32->32 @28', 32, 32, 28],
  ['seed-net conv2 / fashion-net conv3, 32->64 @14', 32, 64, 14],
  ['fashion-net conv4, 64->64 @14', 64, 64, 14],
];
const paths: Conv2dPath[] = ['im2col', 'winograd2', 'winograd4', 'winograd5'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const backend = await createWasmBackend({ threads: 2 });
const { conv2dForward, conv2dBackward } = backend.kernels;
if (conv2dForward === undefined || conv2dBackward === undefined)
  throw new Error(`the fast backend has no conv2d kernels here (${backend.path.description})`);
const rng = new Rng(7);
console.log(
  `load average at start: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
for (const [label, C, F, S] of layers.filter(([l]) => only === undefined || l.includes(only))) {
  const g = conv2dGeometry([N, C, S, S], [F, C, 3, 3], { padding: 1 }, F);
  const [x, w, b, y, dy, dx, dw] = backend.resident(() => [
    Tensor.randn([N, C, S, S], rng),
    Tensor.randn([F, C, 3, 3], rng),
    Tensor.randn([F], rng),
    Tensor.zeros([N, F, S, S]),
    Tensor.randn([N, F, S, S], rng),
    Tensor.zeros([N, C, S, S]),
    Tensor.zeros([F, C, 3, 3]),
  ]);
  for (const threads of [1, 2]) {
    backend.setThreads(threads);
    for (const [pass, run] of [
      ['forward', () => conv2dForward(y.data, x.data, w.data, b.data, g)],
      ['input grad', () => conv2dBackward(dx.data, null, null, dy.data, x.data, w.data, g)],
      ['weight grad', () => conv2dBackward(null, dw.data, null, dy.data, x.data, w.data, g)],
    ] as const) {
      const cells = paths.map((path) =>
        withConv2dPath(path, () => {
          run();
          const times: number[] = [];
          for (let r = 0; r < repeats; r++) {
            const t0 = performance.now();
            run();
            times.push(performance.now() - t0);
          }
          return median(times);
        }),
      );
      const base = cells[0];
      const text = cells
        .map((t, i) => `${paths[i]} ${t.toFixed(2)} ms (${(base / t).toFixed(2)}x)`)
        .join(', ');
      console.log(`${label}, ${pass}, ${threads} thread(s): ${text}`);
    }
  }
}
console.log(
  `load average at end: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
backend.dispose();
