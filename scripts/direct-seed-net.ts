/**
 * Seed-net inference with its first layer (1 -> 32, 3x3, fused with ReLU and pooling) on im2col
 * or on the direct path (docs/fast-backend.md, "Direct convolution"), switched run by run in one
 * process so that load falls on both alike; every other layer takes the rule's path. Prints the
 * first layer's and the net's median times.
 *
 *   N=64 T=2 node --import tsx scripts/direct-seed-net.ts [repeats]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { noGrad } from '../src/autograd.js';
import { setBackend } from '../src/kernels/backend.js';
import { withConv2dPath } from '../src/kernels/wasm/conv2d-path.js';
import { createWasmBackend } from '../src/kernels/wasm/index.js';
import { seedNet } from '../src/nn/presets.js';
import { Rng } from '../src/rng.js';
import { Tensor } from '../src/tensor.js';

const N = Number(process.env.N ?? 64);
const threads = Number(process.env.T ?? 2);
const repeats = Number(process.argv[2] ?? 60);
const paths = ['im2col', 'direct'] as const;

const backend = await createWasmBackend({ threads });
const fused = backend.kernels.conv2dReluPoolForward;
if (fused === undefined) throw new Error(`no fast fused conv here (${backend.path.description})`);
let path: (typeof paths)[number] = 'direct';
let firstLayer = 0;
backend.kernels.conv2dReluPoolForward = (...args) => {
  if (args[5].C !== 1) return fused(...args);
  const t0 = performance.now();
  // The rule picks direct for this layer; im2col is forced.
  if (path === 'im2col') withConv2dPath('im2col', () => fused(...args));
  else fused(...args);
  firstLayer += performance.now() - t0;
};
setBackend(backend);
const model = backend.resident(() => seedNet({ seed: 1 }));
model.eval();
const x = Tensor.uniform([N, 1, 28, 28], new Rng(0));
const run = () => backend.runStep([], () => noGrad(() => void model.forward(x)));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
const times = paths.map(() => ({ net: [] as number[], first: [] as number[] }));
const inner = N === 1 ? 50 : 5;
for (let r = 0; r <= repeats; r++) {
  for (const [i, p] of paths.entries()) {
    path = p;
    firstLayer = 0;
    const t0 = performance.now();
    for (let k = 0; k < inner; k++) run();
    if (r === 0) continue; // warm-up
    times[i].net.push((performance.now() - t0) / inner);
    times[i].first.push(firstLayer / inner);
  }
}
const load = loadavg()
  .map((v) => v.toFixed(2))
  .join(' ');
for (const [i, p] of paths.entries()) {
  const net = median(times[i].net);
  console.log(
    `N ${N}, ${threads} thread(s), first layer ${p}: layer ${median(times[i].first).toFixed(3)} ms, ` +
      `net ${net.toFixed(3)} ms (${((N / net) * 1000).toFixed(0)} images/s); load ${load}`,
  );
}
backend.dispose();
