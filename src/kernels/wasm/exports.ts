/**
 * The functions the AssemblyScript module exports (src/kernels/wasm/assembly/index.ts), typed
 * for the host. Pointers are byte offsets into the shared memory; flags are 0 or 1.
 */
export interface KernelExports {
  heapBase(): number;
  sgemmScratchBytes(): number;
  conv2dScratchBytes(geometry: number): number;
  /** Batches with fewer rows than this go to linearForwardFewRows. */
  linearFewRows(): number;
  sgemm(
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    transA: number,
    b: number,
    ldb: number,
    transB: number,
    c: number,
    ldc: number,
    accumulate: number,
    scratch: number,
  ): void;
  softmaxCrossEntropyForward(N: number, K: number, logits: number, labels: number): number;
  softmaxCrossEntropyBackward(
    N: number,
    K: number,
    dlogits: number,
    logits: number,
    labels: number,
    dloss: number,
  ): void;
}

/**
 * Kernels that run on every thread: each is called as f(tid, threads, ...args), with integer
 * arguments only, so the pool can pass them through a shared Int32Array.
 */
export const THREADED_KERNELS = [
  'sgemmPart',
  'conv2dForward',
  'conv2dBackwardInput',
  'conv2dBackwardWeight',
  'conv2dBackwardBias',
  'maxPool2dForward',
  'maxPool2dBackward',
  'avgPool2dForward',
  'avgPool2dBackward',
  'reluForward',
  'reluBackward',
  'linearForward',
  'linearForwardFewRows',
  'addRowBias',
  'linearBackwardInput',
  'linearBackwardWeight',
  'linearBackwardBias',
  'batchNorm2dForwardTrain',
  'batchNorm2dForwardEval',
  'batchNorm2dBackward',
] as const;

export type ThreadedKernel = (typeof THREADED_KERNELS)[number];

export type ThreadedFunction = (tid: number, threads: number, ...args: number[]) => void;

type NumericFunction = (...args: number[]) => number;

function exportedFunction(exports: WebAssembly.Exports, name: string): NumericFunction {
  const value = exports[name];
  if (typeof value !== 'function') {
    throw new Error(
      `wasm kernels: the module does not export ${name}; rebuild it with npm run build:wasm`,
    );
  }
  return value as NumericFunction;
}

export type Kernels = KernelExports & Record<ThreadedKernel, ThreadedFunction>;

/** Checks that an instance exports every kernel, and returns them typed. */
export function kernelExports(exports: WebAssembly.Exports): Kernels {
  const threaded = {} as Record<ThreadedKernel, ThreadedFunction>;
  for (const name of THREADED_KERNELS) threaded[name] = exportedFunction(exports, name);
  return {
    ...threaded,
    heapBase: exportedFunction(exports, 'heapBase'),
    sgemmScratchBytes: exportedFunction(exports, 'sgemmScratchBytes'),
    conv2dScratchBytes: exportedFunction(exports, 'conv2dScratchBytes'),
    linearFewRows: exportedFunction(exports, 'linearFewRows'),
    sgemm: exportedFunction(exports, 'sgemm'),
    softmaxCrossEntropyForward: exportedFunction(exports, 'softmaxCrossEntropyForward'),
    softmaxCrossEntropyBackward: exportedFunction(exports, 'softmaxCrossEntropyBackward'),
  };
}
