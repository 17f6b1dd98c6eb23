/**
 * `npm run bench:train`: one training step of the seed net (conv3x3 1->32, ReLU, pool, conv3x3
 * 32->64, ReLU, pool, linear 3136->128, ReLU, linear 128->10, cross-entropy; batch 64 of 28x28)
 * through autograd on the fast backend, as images/s (median, min-max), and the share of the step
 * spent copying tensors into and out of the kernels' memory: with copies on every kernel call,
 * and inside backend.runStep, where the step's tensors live in the kernels' memory.
 */
import { parseArgs } from 'node:util';
import { createWasmBackend } from '../src/kernels/wasm/index.js';
import { setBackend } from '../src/kernels/backend.js';
import { conv2d, crossEntropy, flatten, linear, maxPool2d, relu } from '../src/ops/index.js';
import { Rng } from '../src/rng.js';
import { Tensor } from '../src/tensor.js';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '30' }, batch: { type: 'string', default: '64' } },
});
const steps = Number(values.steps);
const batch = Number(values.batch);

const rng = new Rng(1);
const he = (shape: number[], fanIn: number) =>
  Tensor.randn(shape, rng, Math.sqrt(2 / fanIn)).requireGrad();
const params = {
  w1: he([32, 1, 3, 3], 9),
  b1: Tensor.zeros([32]).requireGrad(),
  w2: he([64, 32, 3, 3], 288),
  b2: Tensor.zeros([64]).requireGrad(),
  w3: he([128, 3136], 3136),
  b3: Tensor.zeros([128]).requireGrad(),
  w4: he([10, 128], 128),
  b4: Tensor.zeros([10]).requireGrad(),
};
const x = Tensor.uniform([batch, 1, 28, 28], rng);
const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);

function forwardBackward(): number {
  const { w1, b1, w2, b2, w3, b3, w4, b4 } = params;
  let h = maxPool2d(relu(conv2d(x, w1, b1, { padding: 1 })), { kernelSize: 2 });
  h = maxPool2d(relu(conv2d(h, w2, b2, { padding: 1 })), { kernelSize: 2 });
  const logits = linear(relu(linear(flatten(h), w3, b3)), w4, b4);
  const loss = crossEntropy(logits, labels);
  loss.backward();
  for (const p of Object.values(params)) {
    const grad = p.grad as Tensor;
    for (let i = 0; i < p.size; i++) p.data[i] -= 0.01 * grad.data[i];
    p.zeroGrad();
  }
  return loss.item();
}

let inPlace = false;
function step(): number {
  return inPlace ? backend.runStep(Object.values(params), forwardBackward) : forwardBackward();
}

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1];
}

const backend = await createWasmBackend();
setBackend(backend);
console.log(`seed net training step, batch ${batch}, ${backend.path.description}`);
for (const [threads, stepTensorsInPlace] of [
  [1, false],
  [backend.path.threads, false],
  [1, true],
  [backend.path.threads, true],
] as const) {
  backend.setThreads(threads);
  inPlace = stepTensorsInPlace;
  for (let i = 0; i < 5; i++) step();
  const times: number[] = [];
  const before = backend.copyStats();
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  const after = backend.copyStats();
  const total = times.reduce((a, b) => a + b, 0);
  const copyShare = (after.milliseconds - before.milliseconds) / total;
  const mib = (after.bytesIn + after.bytesOut - before.bytesIn - before.bytesOut) / steps / 2 ** 20;
  const ips = (ms: number) => (batch * 1000) / ms;
  console.log(
    `${threads} thread${threads > 1 ? 's' : ' '}, ${inPlace ? 'runStep (tensors in wasm memory)' : 'copies per call              '}: ${ips(median(times)).toFixed(0)} images/s ` +
      `(min-max ${ips(Math.max(...times)).toFixed(0)}-${ips(Math.min(...times)).toFixed(0)}), ` +
      `step ${median(times).toFixed(1)} ms; copies ${mib.toFixed(1)} MiB/step = ${(100 * copyShare).toFixed(1)}% of the step`,
  );
}
backend.dispose();
