/**
 * Times the fast conv2d's direct path against im2col on layers with few input channels (the
 * first layers of the preset and application models, and R = C*KH*KW around the rule's bound):
 * the forward alone and fused with ReLU and 2x2 max pooling (conv2dReluPoolForward), batch 64
 * and 1, on 1 and 2 threads. Paths alternate within each repeat, so load falls on both alike;
 * medians. Operands are resident in the kernels' memory so that only the kernels are timed.
 *
 *   node --import tsx scripts/direct-speed.ts [repeats] [layer label part, e.g. 1->32]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { withConv2dPath, type Conv2dPath } from '../src/kernels/wasm/conv2d-path.js';
import { createWasmBackend } from '../src/kernels/wasm/index.js';
import { Rng } from '../src/rng.js';
import { conv2dGeometry, conv2dOutputShape } from '../src/shape/conv2d.js';
import { pool2dGeometry } from '../src/shape/pool2d.js';
import { Tensor } from '../src/tensor.js';

const repeats = Number(process.argv[2] ?? 15);
const only = process.argv[3];
/** label, C, F, kernel, H, W, stride (padding kernel >> 1). */
const layers: [string, number, number, number, number, number, number?][] = [
  ['seed-net conv1, 1->32 3x3 @28x28', 1, 32, 3, 28, 28],
  ['U-Net conv1, 1->8 3x3 @64x96', 1, 8, 3, 64, 96],
  ['2->32 3x3 @28x28 (R 18)', 2, 32, 3, 28, 28],
  ['3->32 3x3 @28x28 (R 27)', 3, 32, 3, 28, 28],
  ['4->32 3x3 @28x28 (R 36)', 4, 32, 3, 28, 28],
  ['6->32 3x3 @28x28 (R 54)', 6, 32, 3, 28, 28],
  ['1->32 5x5 @28x28 (R 25)', 1, 32, 5, 28, 28],
  ['2->32 5x5 @28x28 (R 50)', 2, 32, 5, 28, 28],
  ['3->32 5x5 @28x28 (R 75)', 3, 32, 5, 28, 28],
  ['1->8 3x3 @28x28 (few filters)', 1, 8, 3, 28, 28],
  ['U-Net head, 8->1 1x1 @64x96 (R 8)', 8, 1, 1, 64, 96],
  ['16->16 1x1 @28x28 (R 16)', 16, 16, 1, 28, 28],
  ['3->2 3x3 @28x28 (R 27, 2 filters)', 3, 2, 3, 28, 28],
  ['3->16 3x3 stride 2 @64x64 (R 27)', 3, 16, 3, 64, 64, 2],
  ['8->4 3x3 @28x28 (R 72, few filters: not Winograd)', 8, 4, 3, 28, 28],
];
const paths: Conv2dPath[] = ['im2col', 'direct'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const backend = await createWasmBackend({ threads: 2 });
const { conv2dForward, conv2dReluPoolForward } = backend.kernels;
if (conv2dForward === undefined || conv2dReluPoolForward === undefined)
  throw new Error(`the fast backend has no conv2d kernels here (${backend.path.description})`);
const rng = new Rng(7);
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
console.log(`load average at start: ${load()}`);
for (const [label, C, F, K, H, W, stride = 1] of layers.filter(
  ([l]) => only === undefined || l.includes(only),
)) {
  for (const N of [64, 1]) {
    const g = conv2dGeometry([N, C, H, W], [F, C, K, K], { padding: K >> 1, stride }, F);
    const pool = pool2dGeometry(conv2dOutputShape(g), { kernelSize: 2 }, 'maxPool2d');
    const [x, w, b, y, z] = backend.resident(() => [
      Tensor.randn([N, C, H, W], rng),
      Tensor.randn([F, C, K, K], rng),
      Tensor.randn([F], rng),
      Tensor.zeros([N, F, g.OH, g.OW]),
      Tensor.zeros([N, F, pool.OH, pool.OW]),
    ]);
    for (const threads of [1, 2]) {
      backend.setThreads(threads);
      for (const [pass, run] of [
        ['forward', () => conv2dForward(y.data, x.data, w.data, b.data, g)],
        ['fused+pool', () => conv2dReluPoolForward(z.data, x.data, w.data, b.data, null, g, pool)],
      ] as const) {
        const inner = N === 1 ? 20 : 1;
        const times: number[][] = paths.map(() => []);
        for (let r = 0; r <= repeats; r++) {
          for (const [i, path] of paths.entries()) {
            withConv2dPath(path, () => {
              const t0 = performance.now();
              for (let k = 0; k < inner; k++) run();
              if (r > 0) times[i].push((performance.now() - t0) / inner);
            });
          }
        }
        const cells = times.map(median);
        const flops = 2 * N * F * g.OH * g.OW * C * K * K;
        const text = cells
          .map((t, i) => `${paths[i]} ${t.toFixed(3)} ms (${(flops / t / 1e6).toFixed(1)} GF)`)
          .join(', ');
        console.log(
          `${label}, N ${N}, ${pass}, ${threads}t: ${text}, ${(cells[0] / cells[1]).toFixed(2)}x`,
        );
      }
    }
  }
}
console.log(`load average at end: ${load()}`);
backend.dispose();
