/**
 * `npm run bench:detector`: the digit detector of issue 13 (digitDetector, width 32, 96x96
 * digit-scenes) on the fast backend, at 1 thread and all cores, in the network table's format
 * (bench/README.md):
 *
 *   train digit-detector b32   one training step as trainDetector runs it (createDetectorStep:
 *                              in runStep, forward, CenterNet loss, backward, clip, Adam) on 32
 *                              scenes; the targets are made outside the timed region
 *   detect digit-detector b1   one 96x96 scene: forward in eval mode without a graph, decode
 *                              (sigmoid, 3x3 peaks, top 100), class-wise NMS: what
 *                              `convnet detect` times; target <= 5 ms on 2 threads (issue 13)
 *
 * Timing as `npm run bench` (timing.ts: warm-up, then samples, median and min-max).
 */
import { parseArgs } from 'node:util';
import { noGrad } from '../src/autograd.js';
import { decodeDetections } from '../src/apps/detection/decode.js';
import { digitDetector } from '../src/apps/detection/digit-detector.js';
import { digitScenes } from '../src/apps/detection/load-digit-scenes.js';
import { scenesToImages } from '../src/apps/detection/scene-batch.js';
import { createDetectorStep } from '../src/apps/detection/detector-step.js';
import { setBackend } from '../src/kernels/backend.js';
import { createWasmBackend } from '../src/kernels/wasm/index.js';
import { Adam } from '../src/optim/adam.js';
import type { Tensor } from '../src/tensor.js';
import { formatImagesPerSecond, formatMs } from './report.js';
import { FULL_TIMING, QUICK_TIMING, measure, type Timing } from './timing.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, batch: { type: 'string', default: '32' } },
});
const timing = values.quick ? QUICK_TIMING : FULL_TIMING;
const batch = Number(values.batch);

const backend = await createWasmBackend();
setBackend(backend);
const scenes = digitScenes('train', batch);
const images = scenesToImages(scenes);
const one = scenesToImages(scenes.slice(0, 1));
const model = backend.resident(() => digitDetector({ width: 32 }));
const optimizer = new Adam(model.parameters(), { lr: 1e-4 });
const step = createDetectorStep({ model, optimizer, numClasses: 10, stepRunner: backend });

function trainOnce(): void {
  model.train();
  const result = step(images, scenes);
  if (result.failed !== null) throw new Error(`non-finite ${result.failed}`);
}

function detectOnce(): void {
  model.eval();
  backend.runStep([], () =>
    noGrad(() => {
      const out = model.run(one);
      const get = (name: string) => out.get(name) as Tensor;
      decodeDetections(
        { heatmap: get('heatmap'), size: get('size'), offset: get('offset') },
        { scoreThreshold: 0.3, imageSize: [96, 96] },
      );
    }),
  );
}

const head =
  'workload                   contestant        thr  images/s  min-max images/s  ms/run  ms/image   n';
console.log(`digit detector (issue 13), ${backend.path.description}`);
console.log(head);
const line = (name: string, threads: number, images: number, t: Timing): string => {
  const ips = (ms: number) => formatImagesPerSecond((1000 * images) / ms);
  return [
    name.padEnd(26),
    'convnet-wasm'.padEnd(16),
    String(threads).padStart(4),
    ips(t.medianMs).padStart(9),
    `${ips(t.maxMs)}-${ips(t.minMs)}`.padStart(17),
    formatMs(t.medianMs).padStart(7),
    formatMs(t.medianMs / images).padStart(9),
    String(t.samplesMs.length).padStart(4),
  ].join(' ');
};
const results: { name: string; threads: number; t: Timing }[] = [];
for (const threads of [...new Set([1, backend.path.threads])]) {
  backend.setThreads(threads);
  const train = await measure(trainOnce, timing);
  console.log(line(`train digit-detector b${batch}`, threads, batch, train));
  const detect = await measure(detectOnce, timing);
  console.log(line('detect digit-detector b1', threads, 1, detect));
  results.push({ name: 'detect', threads, t: detect });
}
const all = results.at(-1);
if (all !== undefined) {
  const ok = all.t.medianMs <= 5;
  console.log(
    `target: detect one 96x96 scene <= 5 ms on ${all.threads} threads: ${formatMs(all.t.medianMs)} ms, ${ok ? 'met' : 'MISSED'}`,
  );
}
backend.dispose();
