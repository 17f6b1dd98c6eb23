/**
 * TensorFlow.js `cpu` backend: pure JavaScript kernels, one thread. Its conv weight gradient is
 * very slow (about 0.02 GFLOPS), so the harness probes it and skips or time-boxes long runs.
 */
import { packageVersion, type Contestant } from './contestant.js';
import {
  loadTf,
  tfConvForward,
  tfConvForwardBackward,
  tfInferNet,
  tfMaxPoolForwardBackward,
  tfSgemm,
  tfTrainNet,
  type Tf,
} from './tfjs-common.js';

let tf: Tf | null = null;

function loaded(): Tf {
  if (tf === null) throw new Error('tfjs-cpu: setup() has not run');
  return tf;
}

export const tfjsCpu: Contestant = {
  name: 'tfjs-cpu',
  side: 'peer',
  probe: true,
  async setup() {
    tf = await loadTf();
    await tf.setBackend('cpu');
    return `@tensorflow/tfjs ${packageVersion('@tensorflow/tfjs')} 'cpu' backend: plain JS, one thread, NHWC`;
  },
  threadCounts: () => [1],
  async activate() {
    await loaded().setBackend('cpu');
  },
  sgemm: (M, N, K) => tfSgemm(loaded(), M, N, K),
  conv2dForward: (c) => tfConvForward(loaded(), c),
  conv2dForwardBackward: (c) => tfConvForwardBackward(loaded(), 'cpu', c),
  maxPoolForwardBackward: (p) => tfMaxPoolForwardBackward(loaded(), 'cpu', p),
  trainNet: (n) => tfTrainNet(loaded(), 'cpu', n),
  inferNet: (n) => tfInferNet(loaded(), n),
};
