/**
 * TensorFlow.js `wasm` backend (XNNPACK, SIMD). Its .wasm binaries are loaded from the package's
 * own dist folder (setWasmPaths); it is asked for every core, but in Node it runs one thread:
 * the threaded binary needs Web Workers, which Node lacks, so WASM_HAS_MULTITHREAD_SUPPORT is
 * false. It has no Conv2DBackpropFilter kernel, so conv forward+backward is measured without dw
 * and marked partial, and it cannot train the seed net (its row says so, after a trial step).
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, sep } from 'node:path';
import { errorMessage, packageVersion, Unavailable, type Contestant } from './contestant.js';
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
let threads = 1;

function loaded(): Tf {
  if (tf === null) throw new Error('tfjs-wasm: setup() has not run');
  return tf;
}

export const tfjsWasm: Contestant = {
  name: 'tfjs-wasm',
  side: 'peer',
  probe: false,
  async setup() {
    tf = await loadTf();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(dist + sep);
    wasm.setThreadsCount(availableParallelism());
    let ok: boolean;
    try {
      ok = await tf.setBackend('wasm');
    } catch (e) {
      throw new Unavailable(`tf.setBackend('wasm') failed: ${errorMessage(e)}`);
    }
    if (!ok) throw new Unavailable(`tf.setBackend('wasm') failed (binaries in ${dist})`);
    threads = wasm.getThreadsCount();
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
    const multi = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : 'no threads';
    return `@tensorflow/tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')}: XNNPACK, ${simd}, ${multi} in Node (${threads} thread), NHWC`;
  },
  threadCounts: () => [threads],
  async activate() {
    await loaded().setBackend('wasm');
  },
  sgemm: (M, N, K) => tfSgemm(loaded(), M, N, K),
  conv2dForward: (c) => tfConvForward(loaded(), c),
  conv2dForwardBackward: (c) => tfConvForwardBackward(loaded(), 'wasm', c),
  maxPoolForwardBackward: (p) => tfMaxPoolForwardBackward(loaded(), 'wasm', p),
  trainNet: (n) => tfTrainNet(loaded(), 'wasm', n),
  inferNet: (n) => tfInferNet(loaded(), n),
};
