/**
 * The fast backend: the kernels of src/kernels/wasm/kernels.ts run by WebAssembly SIMD on a pool
 * of threads sharing one memory, and the reference for every other kernel. Each call copies its
 * inputs into the kernels' memory, runs, and copies its outputs back (O(size) against the
 * kernels' O(size x work), measured by `npm run bench`), except for tensors that already live
 * there (runStep, resident). Float64 arrays, used by gradient checks, go to the reference.
 *
 * Paths, best first: relaxed SIMD (fused multiply-add) or plain SIMD; all cores when shared
 * memory exists (Node; a cross-origin-isolated page), one thread otherwise; and where the engine
 * has no WebAssembly SIMD at all, the reference backend. `path` says which one runs.
 */
import { referenceBackend, setBackend, withReferenceFallback, type Backend } from '../backend.js';
import type { Tensor } from '../../tensor.js';
import { Arena } from './arena.js';
import type { CopyStats } from './copy-stats.js';
import { KernelExports } from './exports.js';
import * as hostKernelsByOp from './kernels.js';
import { bindHostKernels, CallMarshal } from './marshal.js';
import { compileKernels } from './module.js';
import { detectSimd, type SimdLevel } from './simd.js';
import { defaultThreads, sharedMemoryAvailable, threadLimit } from './platform.js';
import { StepMemory } from './step-memory.js';
import { ThreadPool } from './thread-pool.js';

export interface WasmBackendOptions {
  /**
   * Threads to use; default: all cores (1 where shared memory is unavailable). At most
   * THREADS_PER_CORE per core (src/kernels/wasm/platform.ts); more is a RangeError.
   */
  threads?: number;
  /** 'auto' (default) takes relaxed SIMD where the engine has it. */
  simd?: 'auto' | SimdLevel;
  /**
   * Use a shared memory and worker threads where SharedArrayBuffer exists (default true).
   * false gives the single-thread path that a page without cross-origin isolation gets.
   */
  sharedMemory?: boolean;
  /**
   * 'fewer-threads' (default): a call with little work runs on fewer threads than set, down to
   * the caller alone (waking a worker costs more than a batch-1 ReLU; see threadsForWork in
   * marshal.ts), and so do the calls after ones that no worker joined (thread-pool.ts).
   * 'all-threads': every call is split among every thread, as tests of the threaded paths
   * need. Results are the same either way.
   */
  smallCalls?: 'fewer-threads' | 'all-threads';
}

/** Which implementation runs, for users and logs. */
export interface KernelPath {
  backend: 'wasm' | 'reference';
  simd: SimdLevel | null;
  threads: number;
  sharedMemory: boolean;
  /** One line, e.g. "wasm relaxed-simd, 2 threads (shared memory)". */
  description: string;
}

export interface WasmControls {
  readonly path: KernelPath;
  /** Threads each call uses, 1 .. the pool's size. */
  setThreads(threads: number): void;
  /** Bytes of WebAssembly memory in use (it grows to the largest call and stays there). */
  memoryBytes(): number;
  /** The bytes copied into and out of the kernels' memory so far, and the time it took. */
  copyStats(): CopyStats;
  /** c:(M,N) = a:(M,K) * b:(K,N), row-major float32. */
  sgemm(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number): void;
  /**
   * Runs one training step with every float32 tensor it makes living in the kernels' memory, so
   * kernels read and write activations and gradients in place instead of copying them. The
   * step's tensors are valid only inside it: return numbers (the loss), not tensors. Gradients
   * of `params` made during the step are copied to ordinary memory at its end. Without shared
   * memory it simply runs the step.
   */
  runStep<T>(params: Iterable<Tensor>, step: () => T): T;
  /**
   * Runs `build` with every float32 tensor it makes living in the kernels' memory for the
   * backend's life, so kernels read them in place instead of copying them in on every call:
   * `backend.resident(() => seedNet())` keeps a model's parameters there (1.6 MB fewer bytes
   * copied per seed-net inference). The memory is held until dispose(): build what lives as long
   * as the backend. Without shared memory it simply runs `build`.
   */
  resident<T>(build: () => T): T;
  /** Bytes of the kernels' memory held by resident tensors. */
  residentBytes(): number;
  /** Stops the worker threads. */
  dispose(): void;
}

export type WasmBackend = Backend & WasmControls;

function describe(path: KernelPath): string {
  if (path.backend === 'reference')
    return 'reference kernels (this engine has no WebAssembly SIMD)';
  const threads = `${path.threads} thread${path.threads === 1 ? '' : 's'}`;
  const memory = path.sharedMemory ? 'shared memory' : 'no shared memory';
  return `wasm ${path.simd}, ${threads} (${memory})`;
}

function kernelPath(
  backend: KernelPath['backend'],
  simd: SimdLevel | null,
  threads: number,
  sharedMemory: boolean,
): KernelPath {
  const path: KernelPath = { backend, simd, threads, sharedMemory, description: '' };
  path.description = describe(path);
  return path;
}

/**
 * The `sgemm` control, c:(M,N) = a:(M,K) * b:(K,N): the backend's matmul kernel, with the
 * arrays' lengths checked first (the kernels trust them).
 */
function sgemmOf(backend: Backend): WasmControls['sgemm'] {
  return (c, a, b, M, N, K) => {
    for (const [name, array, size] of [
      ['a', a, M * K],
      ['b', b, K * N],
      ['c', c, M * N],
    ] as const) {
      if (array.length !== size)
        throw new RangeError(`sgemm: ${name} has ${array.length} elements, expected ${size}`);
    }
    withReferenceFallback(backend).matmulForward(c, a, b, { M, K, N });
  };
}

/** The reference kernels dressed as a WasmBackend, for engines without WebAssembly SIMD. */
function referenceFallback(): WasmBackend {
  return {
    name: 'reference',
    kernels: referenceBackend.kernels,
    path: kernelPath('reference', null, 1, false),
    setThreads(threads: number) {
      if (threads !== 1)
        throw new RangeError('setThreads: the reference fallback runs on one thread');
    },
    memoryBytes: () => 0,
    copyStats: () => ({ bytesIn: 0, bytesOut: 0, milliseconds: 0 }),
    sgemm: sgemmOf(referenceBackend),
    runStep: (_params, step) => step(),
    resident: (build) => build(),
    residentBytes: () => 0,
    dispose() {},
  };
}

/** Starts the fast backend and makes every op use it; returns it (its `path` says what runs). */
export async function useWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const backend = await createWasmBackend(options);
  setBackend(backend);
  return backend;
}

/**
 * Starts the fast backend: compiles the kernels, starts the worker threads and returns the
 * backend. Pass it to setBackend to make every op use it.
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const { simd = 'auto' } = options;
  const cores = await defaultThreads();
  const requested = options.threads ?? cores;
  const limit = threadLimit(cores);
  if (!Number.isInteger(requested) || requested < 1 || requested > limit.max) {
    throw new RangeError(
      `createWasmBackend: threads must be an integer in [1, ${limit.max}] (at most ${limit.reason}), got ${requested}`,
    );
  }
  const detected = await detectSimd();
  if (detected === null) return referenceFallback();
  if (simd === 'relaxed-simd' && detected !== 'relaxed-simd') {
    throw new Error(
      'createWasmBackend: relaxed SIMD was asked for, but this engine does not support it',
    );
  }
  const level: SimdLevel = simd === 'auto' ? detected : simd;
  const shared = (options.sharedMemory ?? true) && sharedMemoryAvailable();
  const threads = shared ? requested : 1;
  const module = await compileKernels(level, shared);
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 32768, shared });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = new KernelExports(instance.exports);
  const pool = await ThreadPool.create(threads, module, memory, exports);
  const arena = new Arena(memory, exports.call('heapBase'));
  const marshal = new CallMarshal(arena, exports, pool);
  if (options.smallCalls === 'all-threads') {
    marshal.workPerThread = 0;
    pool.soloWhenWorkersMiss = false;
  }
  const steps = new StepMemory(arena, () => marshal.derived.place());
  const path = kernelPath('wasm', level, threads, shared);
  const kernels = bindHostKernels(Object.values(hostKernelsByOp), marshal);
  return {
    name: `wasm-${level}`,
    kernels,
    path,
    setThreads(count: number) {
      if (!Number.isInteger(count) || count < 1 || count > pool.size) {
        throw new RangeError(
          `setThreads: threads must be an integer in [1, ${pool.size}], got ${count}`,
        );
      }
      marshal.threads = count;
      path.threads = count;
      path.description = describe(path);
    },
    memoryBytes: () => arena.byteLength,
    copyStats: () => ({ ...arena.copies }),
    sgemm: sgemmOf({ name: `wasm-${level}`, kernels }),
    runStep: (params, step) => steps.runStep(params, step),
    resident: (build) => steps.resident(build),
    residentBuffers: (like, count) => steps.residentBeside(like, count),
    residentBytes: () => arena.residentBytes,
    dispose: () => pool.close(),
  };
}
