/**
 * `npm run bench:onnx`: each network exported by `exportOnnx` and run by ONNX Runtime
 * (onnxruntime-node, CPU execution provider) beside the same network on our fast backend, in one
 * run: the largest difference between the two outputs (relative to the output's scale, its
 * largest |value|) and the inference images/s of each at batch 64 (bench/README.md).
 *
 *   npm run bench:onnx [-- --quick] [--batch 64] [--threads 2]
 *
 * Networks: the seed net and fashion-net (28x28 presets) and U-Net-lite as `convnet train --task
 * segmentation` builds it (64x96: 64x84 padded to its stride), all seeded, evaluation mode, biases
 * and batch-norm statistics drawn away from 0/1 as the ONNX tests draw them (onnx-graphs.ts), so
 * that a wrong mapping shows. Ours runs as `convnet predict`
 * does: parameters resident in the kernels' memory, the forward pass inside runStep, outputs
 * copied out. ORT gets intraOpNumThreads = --threads; its session is made outside the timing.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { unetLite } from '../src/apps/segmentation/unet-lite.js';
import { perturb } from '../test/io/onnx/onnx-graphs.js';
import { UNET } from './apps-workloads.js';
import { noGrad } from '../src/autograd.js';
import { residentTensors, setBackend } from '../src/kernels/backend.js';
import { createWasmBackend } from '../src/kernels/wasm/index.js';
import { exportOnnx } from '../src/io/onnx/index.js';
import type { Graph } from '../src/nn/graph/graph.js';
import { graphFromSequential } from '../src/nn/graph/graph-builder.js';
import { fashionNet, seedNet } from '../src/nn/presets.js';
import { Rng } from '../src/rng.js';
import { Tensor } from '../src/tensor.js';
import { formatImagesPerSecond, formatTable } from './report.js';
import { FULL_TIMING, QUICK_TIMING, measure, type Timing } from './timing.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: String(Math.min(2, availableParallelism())) },
  },
});
const batch = Number(values.batch);
const threads = Number(values.threads);
const timing = values.quick ? QUICK_TIMING : FULL_TIMING;

interface Network {
  name: string;
  build: () => Graph;
  input: readonly [number, number, number];
}

const NETWORKS: Network[] = [
  {
    name: 'seed-net',
    input: [1, 28, 28],
    build: () => graphFromSequential(seedNet({ seed: 0 }), [1, 28, 28]),
  },
  {
    name: 'fashion-net',
    input: [1, 28, 28],
    build: () => graphFromSequential(fashionNet({ seed: 0 }), [1, 28, 28]),
  },
  {
    name: 'unet-lite',
    input: [1, 64, 96],
    build: () => unetLite({ ...UNET, imageSize: [64, 96] }),
  },
];

/** images/s at the median run, and from the slowest to the fastest run. */
function imagesPerSecondRange(ms: Timing): string {
  const ips = (t: number): string => formatImagesPerSecond((1000 * batch) / t);
  return `${ips(ms.medianMs)} (${ips(ms.maxMs)}-${ips(ms.minMs)})`;
}

const backend = await createWasmBackend({ threads });
setBackend(backend);
console.log(
  `ONNX Runtime ${ort.env.versions.common} (CPU, ${threads} intra-op threads) vs ${backend.path.description}; batch ${batch}; load average ${loadavg()[0].toFixed(2)}`,
);
const rows: string[][] = [];
for (const network of NETWORKS) {
  const graph = residentTensors(network.build);
  perturb(graph, 1);
  graph.eval();
  const [output] = graph.outputs;
  const x = Tensor.uniform([batch, ...network.input], new Rng(2));
  const ourOutput = new Float32Array(
    graph.outputShape([batch, ...network.input]).reduce((a, b) => a * b, 1),
  );
  const forward = (): void =>
    backend.runStep([], () =>
      noGrad(() => ourOutput.set(graph.run({ [graph.inputs[0].name]: x }).get(output)!.data)),
    );
  const session = await ort.InferenceSession.create(exportOnnx(graph), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const feed = {
    [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(x.data), [
      batch,
      ...network.input,
    ]),
  };
  const ortOutput = new Float32Array(ourOutput.length);
  const runOrt = async (): Promise<void> => {
    const results = await session.run(feed);
    ortOutput.set(results[session.outputNames[0]].data as Float32Array);
  };
  const ours = await measure(forward, timing);
  const theirs = await measure(runOrt, timing);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < ourOutput.length; i++) {
    scale = Math.max(scale, Math.abs(ourOutput[i]));
    worst = Math.max(worst, Math.abs(ourOutput[i] - ortOutput[i]));
  }
  rows.push([
    network.name,
    imagesPerSecondRange(ours),
    imagesPerSecondRange(theirs),
    `${(theirs.medianMs / ours.medianMs).toFixed(2)}x`,
    worst.toExponential(2),
    (worst / scale).toExponential(2),
  ]);
  await session.release();
}
console.log(
  formatTable(
    [
      'network',
      'ours images/s (min-max)',
      'onnxruntime images/s (min-max)',
      'ours/ORT',
      'max |diff|',
      'diff/scale',
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r'],
  ),
);
backend.dispose();
