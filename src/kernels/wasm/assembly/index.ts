/**
 * The WebAssembly kernels, compiled by AssemblyScript (scripts/build-wasm.mjs) into
 * build/kernels-simd.wasm and build/kernels-relaxed-simd.wasm. Memory is imported and shared
 * between threads; the host (src/kernels/wasm/) owns every byte above heapBase().
 */
export { sgemm, sgemmPart, sgemmScratchBytes } from './sgemm';
export {
  conv2dScratchBytes,
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dBackwardBias,
} from './conv2d';
export { maxPool2dForward, maxPool2dBackward } from './max-pool2d';
export { avgPool2dForward, avgPool2dBackward } from './avg-pool2d';
export { reluForward, reluBackward } from './relu';
export {
  linearForward,
  linearForwardFewRows,
  linearFewRows,
  addRowBias,
  linearBackwardInput,
  linearBackwardWeight,
  linearBackwardBias,
} from './linear';
export {
  batchNorm2dForwardTrain,
  batchNorm2dForwardEval,
  batchNorm2dBackward,
} from './batch-norm2d';
export { softmaxCrossEntropyForward, softmaxCrossEntropyBackward } from './softmax-cross-entropy';

/** The first byte after the module's static data: memory from here on is the host's to manage. */
export function heapBase(): usize {
  return __heap_base;
}
