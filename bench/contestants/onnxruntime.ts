/**
 * ONNX Runtime (npm `onnxruntime-node`, the CPU execution provider), on the network inference
 * lines only: the seed net, built by `seedNet()` as ours is, written by `exportOnnx` (opset 17,
 * dynamic batch), and run by an InferenceSession with intraOpNumThreads = the thread count. The
 * session is created outside the timed region; a run is one `session.run` with the logits
 * copied out. This is the line for what a user gets after `convnet export`.
 */
import { availableParallelism } from 'node:os';
import type * as Ort from 'onnxruntime-node';
import { exportOnnx } from '../../src/io/onnx/index.js';
import { seedNet } from '../../src/nn/presets.js';
import { SEED_NET, type NetCase } from '../workloads.js';
import {
  errorMessage,
  packageVersion,
  randomFloat32,
  Unavailable,
  type Contestant,
  type Preparation,
} from './contestant.js';

let ort: typeof Ort | null = null;
let threads = 1;

function loaded(): typeof Ort {
  if (ort === null) throw new Error('onnxruntime: setup() has not run');
  return ort;
}

async function inferNet(o: typeof Ort, n: NetCase): Promise<Preparation> {
  const { C, H, W, CLASSES } = SEED_NET;
  const model = seedNet({ seed: 0, inChannels: C, imageSize: [H, W], numClasses: CLASSES });
  const session = await o.InferenceSession.create(exportOnnx(model, { inputShape: [C, H, W] }), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const x = new o.Tensor('float32', randomFloat32(n.N * C * H * W, 1), [n.N, C, H, W]);
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  const logits = new Float32Array(n.N * CLASSES);
  return {
    run: async () => {
      const results = await session.run({ [input]: x });
      logits.set(results[output].data as Float32Array);
    },
    dispose: () => void session.release(),
    note: 'exportOnnx',
  };
}

export const onnxruntime: Contestant = {
  name: 'onnxruntime',
  side: 'peer',
  probe: false,
  async setup() {
    try {
      ort = await import('onnxruntime-node');
    } catch (e) {
      throw new Unavailable(`onnxruntime-node failed to load: ${errorMessage(e)}`);
    }
    return `onnxruntime-node ${packageVersion('onnxruntime-node')}: CPU execution provider, the seed net from exportOnnx`;
  },
  threadCounts: () => [...new Set([1, availableParallelism()])],
  activate(count) {
    threads = count;
    return Promise.resolve();
  },
  inferNet: (n) => inferNet(loaded(), n),
};
