/**
 * The fast backend: the Backend contract run by WebAssembly SIMD kernels on a pool of threads
 * sharing one memory. Each call copies its inputs into the kernels' memory, runs, and copies its
 * outputs back (the copies are O(size) against the kernels' O(size x work), measured by
 * `npm run bench`). Float64 arrays, used by gradient checks, go to the reference kernels.
 *
 * Paths, best first: relaxed SIMD (fused multiply-add) or plain SIMD; all cores when shared
 * memory exists (Node; a cross-origin-isolated page), one thread otherwise; and where the engine
 * has no WebAssembly SIMD at all, the reference backend. `path` says which one runs.
 */
import { setBackend, type AvgPoolMode, type Backend, type Labels } from '../backend.js';
import { referenceBackend } from '../reference/index.js';
import type { BatchNorm2dGeometry } from '../../shape/batch-norm2d.js';
import type { Conv2dGeometry } from '../../shape/conv2d.js';
import type { LinearGeometry } from '../../shape/linear.js';
import type { Pool2dGeometry } from '../../shape/pool2d.js';
import type { ClassificationGeometry } from '../../shape/softmax-cross-entropy.js';
import { Tensor, withFloat32Allocator, type FloatArray } from '../../tensor.js';
import { Arena, type CopyStats } from './arena.js';
import { kernelExports, type Kernels } from './exports.js';
import { compileKernels, detectSimd, type SimdLevel } from './module.js';
import { ThreadPool } from './thread-pool.js';

export interface WasmBackendOptions {
  /** Threads to use; default: all cores (1 where shared memory is unavailable). */
  threads?: number;
  /** 'auto' (default) takes relaxed SIMD where the engine has it. */
  simd?: 'auto' | SimdLevel;
  /**
   * Use a shared memory and worker threads where SharedArrayBuffer exists (default true).
   * false gives the single-thread path that a page without cross-origin isolation gets.
   */
  sharedMemory?: boolean;
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

/** The kernels that run in WebAssembly; every other Backend kernel runs the reference loops. */
export const WASM_KERNELS = [
  'conv2dForward',
  'conv2dBackwardInput',
  'conv2dBackwardWeight',
  'conv2dBackwardBias',
  'conv2dBackward',
  'maxPool2dForward',
  'maxPool2dBackward',
  'avgPool2dForward',
  'avgPool2dBackward',
  'reluForward',
  'reluBackward',
  'linearForward',
  'linearBackwardInput',
  'linearBackwardWeight',
  'linearBackwardBias',
  'linearBackward',
  'softmaxCrossEntropyForward',
  'softmaxCrossEntropyBackward',
  'batchNorm2dForwardTrain',
  'batchNorm2dForwardEval',
  'batchNorm2dBackwardTrain',
  'batchNorm2dBackwardEval',
] as const satisfies readonly (keyof Backend)[];

type WasmKernelName = (typeof WASM_KERNELS)[number];

export interface WasmControls {
  readonly name: string;
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

/** All cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in a browser. */
async function defaultThreads(): Promise<number> {
  if (typeof process !== 'undefined' && process.versions?.node !== undefined) {
    const os = await import('node:os');
    return Math.max(1, os.availableParallelism());
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Stands for an operand that the requested gradients do not read. */
const UNUSED = new Float32Array(0);

function isFloat32(...arrays: (FloatArray | null)[]): boolean {
  return arrays.every((a) => a === null || a instanceof Float32Array);
}

function convRecord(g: Conv2dGeometry): number[] {
  return [
    g.N,
    g.C,
    g.H,
    g.W,
    g.F,
    g.KH,
    g.KW,
    g.strideH,
    g.strideW,
    g.padH,
    g.padW,
    g.dilationH,
    g.dilationW,
    g.groups,
    g.OH,
    g.OW,
  ];
}

function poolRecord(g: Pool2dGeometry): number[] {
  return [g.N, g.C, g.H, g.W, g.KH, g.KW, g.strideH, g.strideW, g.padH, g.padW, g.OH, g.OW];
}

class WasmKernels implements Pick<Backend, WasmKernelName>, WasmControls {
  readonly name: string;
  readonly path: KernelPath;
  private threads: number;
  private inStep = false;
  private readonly arena: Arena;
  private readonly kernels: Kernels;
  private readonly pool: ThreadPool;

  constructor(path: KernelPath, arena: Arena, kernels: Kernels, pool: ThreadPool) {
    this.path = path;
    this.name = `wasm-${path.simd ?? 'none'}`;
    this.threads = pool.size;
    this.arena = arena;
    this.kernels = kernels;
    this.pool = pool;
  }

  setThreads(threads: number): void {
    if (!Number.isInteger(threads) || threads < 1 || threads > this.pool.size) {
      throw new RangeError(
        `setThreads: threads must be an integer in [1, ${this.pool.size}], got ${threads}`,
      );
    }
    this.threads = threads;
    this.path.threads = threads;
    this.path.description = describe(this.path);
  }

  memoryBytes(): number {
    return this.arena.byteLength;
  }

  copyStats(): CopyStats {
    return { ...this.arena.copies };
  }

  dispose(): void {
    this.pool.close();
  }

  /** A pointer to `values` in the kernels' memory: in place for a step tensor, else a copy. */
  private input(values: Float32Array): number {
    return this.arena.owns(values) ? values.byteOffset : this.arena.put(values);
  }

  /** Where a kernel writes `out`: in place for a step tensor, else scratch that finish() copies out. */
  private output(out: Float32Array): number {
    return this.arena.owns(out) ? out.byteOffset : this.arena.alloc(out.byteLength);
  }

  private finish(out: Float32Array, at: number): void {
    if (!this.arena.owns(out)) this.arena.take(at, out);
  }

  /** input() for an operand that may be absent: 0 stands for null in the kernels. */
  private optionalInput(values: FloatArray | null): number {
    return values === null ? 0 : this.input(values as Float32Array);
  }

  private optionalOutput(out: FloatArray | null): number {
    return out === null ? 0 : this.output(out as Float32Array);
  }

  private optionalFinish(out: FloatArray | null, at: number): void {
    if (out !== null) this.finish(out as Float32Array, at);
  }

  runStep<T>(params: Iterable<Tensor>, step: () => T): T {
    if (this.inStep) throw new Error('runStep: steps cannot be nested');
    if (!this.arena.canHoldTensors) return step();
    const kept = [...params];
    for (const p of kept) {
      if (p.grad !== null && this.arena.owns(p.grad.data as Float32Array)) {
        throw new Error('runStep: a parameter still holds a gradient from an unfinished step');
      }
    }
    this.inStep = true;
    try {
      const result = withFloat32Allocator(
        { allocate: (length, zeroed) => this.arena.allocateTensor(length, zeroed) },
        step,
      );
      if (result instanceof Tensor) {
        throw new Error(
          'runStep: the step returned a tensor, whose memory ends with the step; return numbers or copies',
        );
      }
      return result;
    } finally {
      // Gradients made during the step move to ordinary memory before the step's memory is reused.
      for (const p of kept) {
        if (p.grad !== null && this.arena.owns(p.grad.data as Float32Array)) {
          p.grad = withFloat32Allocator(null, () => (p.grad as Tensor).clone());
        }
      }
      this.arena.releaseStep();
      this.inStep = false;
    }
  }

  resident<T>(build: () => T): T {
    if (this.inStep) throw new Error('resident: cannot be called inside runStep');
    if (!this.arena.canHoldTensors) return build();
    return withFloat32Allocator(
      { allocate: (length) => this.arena.allocateResident(length) },
      build,
    );
  }

  residentBytes(): number {
    return this.arena.residentBytes;
  }

  /** Per-thread scratch for GEMM-based kernels: returns [first byte, bytes per thread]. */
  private scratch(bytesPerThread: number): [number, number] {
    const stride = Math.ceil(bytesPerThread / 64) * 64;
    return [this.arena.alloc(stride * this.threads), stride];
  }

  sgemm(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number): void {
    for (const [name, array, size] of [
      ['a', a, M * K],
      ['b', b, K * N],
      ['c', c, M * N],
    ] as const) {
      if (array.length !== size)
        throw new RangeError(`sgemm: ${name} has ${array.length} elements, expected ${size}`);
    }
    const arena = this.arena;
    arena.reset();
    const pa = this.input(a);
    const pb = this.input(b);
    const pc = this.output(c);
    const [scratch, stride] = this.scratch(this.kernels.sgemmScratchBytes());
    const args = [M, N, K, pa, K, 0, pb, N, 0, pc, N, 0, scratch, stride];
    this.pool.run('sgemmPart', args, this.threads);
    this.finish(c, pc);
  }

  conv2dForward(
    y: FloatArray,
    x: FloatArray,
    w: FloatArray,
    b: FloatArray | null,
    g: Conv2dGeometry,
  ): void {
    if (!isFloat32(y, x, w, b)) return referenceBackend.conv2dForward(y, x, w, b, g);
    const arena = this.arena;
    arena.reset();
    const geometry = arena.putInt32(convRecord(g));
    const px = this.input(x as Float32Array);
    const pw = this.input(w as Float32Array);
    const pb = this.optionalInput(b);
    const py = this.output(y as Float32Array);
    const [scratch, stride] = this.scratch(this.kernels.conv2dScratchBytes(geometry));
    this.pool.run('conv2dForward', [geometry, py, px, pw, pb, scratch, stride], this.threads);
    this.finish(y as Float32Array, py);
  }

  conv2dBackwardInput(dx: FloatArray, dy: FloatArray, w: FloatArray, g: Conv2dGeometry): void {
    this.conv2dBackward(dx, null, null, dy, UNUSED, w, g);
  }

  conv2dBackwardWeight(dw: FloatArray, dy: FloatArray, x: FloatArray, g: Conv2dGeometry): void {
    this.conv2dBackward(null, dw, null, dy, x, UNUSED, g);
  }

  conv2dBackwardBias(db: FloatArray, dy: FloatArray, g: Conv2dGeometry): void {
    this.conv2dBackward(null, null, db, dy, UNUSED, UNUSED, g);
  }

  conv2dBackward(
    dx: FloatArray | null,
    dw: FloatArray | null,
    db: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    w: FloatArray,
    g: Conv2dGeometry,
  ): void {
    if (!isFloat32(dx, dw, db, dy, x, w)) {
      return referenceBackend.conv2dBackward(dx, dw, db, dy, x, w, g);
    }
    const arena = this.arena;
    arena.reset();
    const geometry = arena.putInt32(convRecord(g));
    const pdy = this.input(dy as Float32Array);
    if (db !== null) {
      const pdb = this.output(db as Float32Array);
      this.pool.run('conv2dBackwardBias', [geometry, pdb, pdy], this.threads);
      this.finish(db as Float32Array, pdb);
    }
    if (dx !== null) {
      const pw = this.input(w as Float32Array);
      const pdx = this.output(dx as Float32Array);
      const [scratch, stride] = this.scratch(this.kernels.conv2dScratchBytes(geometry));
      this.pool.run('conv2dBackwardInput', [geometry, pdx, pdy, pw, scratch, stride], this.threads);
      this.finish(dx as Float32Array, pdx);
    }
    if (dw !== null) {
      const pdw = this.output(dw as Float32Array);
      const px = this.input(x as Float32Array);
      const [scratch, stride] = this.scratch(this.kernels.conv2dScratchBytes(geometry));
      this.pool.run(
        'conv2dBackwardWeight',
        [geometry, pdw, pdy, px, scratch, stride],
        this.threads,
      );
      this.finish(dw as Float32Array, pdw);
    }
  }

  maxPool2dForward(y: FloatArray, x: FloatArray, g: Pool2dGeometry): void {
    if (!isFloat32(y, x)) return referenceBackend.maxPool2dForward(y, x, g);
    const arena = this.arena;
    arena.reset();
    const geometry = arena.putInt32(poolRecord(g));
    const px = this.input(x as Float32Array);
    const py = this.output(y as Float32Array);
    this.pool.run('maxPool2dForward', [geometry, py, px], this.threads);
    this.finish(y as Float32Array, py);
  }

  maxPool2dBackward(dx: FloatArray, dy: FloatArray, x: FloatArray, g: Pool2dGeometry): void {
    if (!isFloat32(dx, dy, x)) return referenceBackend.maxPool2dBackward(dx, dy, x, g);
    const arena = this.arena;
    arena.reset();
    const geometry = arena.putInt32(poolRecord(g));
    const pdy = this.input(dy as Float32Array);
    const px = this.input(x as Float32Array);
    const pdx = this.output(dx as Float32Array);
    this.pool.run('maxPool2dBackward', [geometry, pdx, pdy, px], this.threads);
    this.finish(dx as Float32Array, pdx);
  }

  avgPool2dForward(y: FloatArray, x: FloatArray, g: Pool2dGeometry, mode: AvgPoolMode = {}): void {
    if (!isFloat32(y, x)) return referenceBackend.avgPool2dForward(y, x, g, mode);
    const arena = this.arena;
    arena.reset();
    const geometry = arena.putInt32(poolRecord(g));
    const px = this.input(x as Float32Array);
    const py = this.output(y as Float32Array);
    const includePad = (mode.countIncludePad ?? true) ? 1 : 0;
    this.pool.run('avgPool2dForward', [geometry, py, px, includePad], this.threads);
    this.finish(y as Float32Array, py);
  }

  avgPool2dBackward(
    dx: FloatArray,
    dy: FloatArray,
    g: Pool2dGeometry,
    mode: AvgPoolMode = {},
  ): void {
    if (!isFloat32(dx, dy)) return referenceBackend.avgPool2dBackward(dx, dy, g, mode);
    const arena = this.arena;
    arena.reset();
    const geometry = arena.putInt32(poolRecord(g));
    const pdy = this.input(dy as Float32Array);
    const pdx = this.output(dx as Float32Array);
    const includePad = (mode.countIncludePad ?? true) ? 1 : 0;
    this.pool.run('avgPool2dBackward', [geometry, pdx, pdy, includePad], this.threads);
    this.finish(dx as Float32Array, pdx);
  }

  reluForward(y: FloatArray, x: FloatArray): void {
    if (!isFloat32(y, x)) return referenceBackend.reluForward(y, x);
    const arena = this.arena;
    arena.reset();
    const px = this.input(x as Float32Array);
    const py = this.output(y as Float32Array);
    this.pool.run('reluForward', [py, px, x.length], this.threads);
    this.finish(y as Float32Array, py);
  }

  reluBackward(dx: FloatArray, dy: FloatArray, x: FloatArray): void {
    if (!isFloat32(dx, dy, x)) return referenceBackend.reluBackward(dx, dy, x);
    const arena = this.arena;
    arena.reset();
    const pdy = this.input(dy as Float32Array);
    const px = this.input(x as Float32Array);
    const pdx = this.output(dx as Float32Array);
    this.pool.run('reluBackward', [pdx, pdy, px, x.length], this.threads);
    this.finish(dx as Float32Array, pdx);
  }

  linearForward(
    y: FloatArray,
    x: FloatArray,
    w: FloatArray,
    b: FloatArray | null,
    g: LinearGeometry,
  ): void {
    if (!isFloat32(y, x, w, b)) return referenceBackend.linearForward(y, x, w, b, g);
    const arena = this.arena;
    arena.reset();
    const px = this.input(x as Float32Array);
    const pw = this.input(w as Float32Array);
    const py = this.output(y as Float32Array);
    if (g.N < this.kernels.linearFewRows()) {
      const pb = this.optionalInput(b);
      this.pool.run('linearForwardFewRows', [g.N, g.IN, g.OUT, py, px, pw, pb], this.threads);
      this.finish(y as Float32Array, py);
      return;
    }
    const [scratch, stride] = this.scratch(this.kernels.sgemmScratchBytes());
    this.pool.run('linearForward', [g.N, g.IN, g.OUT, py, px, pw, scratch, stride], this.threads);
    if (b !== null)
      this.pool.run('addRowBias', [g.N, g.OUT, py, this.input(b as Float32Array)], this.threads);
    this.finish(y as Float32Array, py);
  }

  linearBackwardInput(dx: FloatArray, dy: FloatArray, w: FloatArray, g: LinearGeometry): void {
    this.linearBackward(dx, null, null, dy, UNUSED, w, g);
  }

  linearBackwardWeight(dw: FloatArray, dy: FloatArray, x: FloatArray, g: LinearGeometry): void {
    this.linearBackward(null, dw, null, dy, x, UNUSED, g);
  }

  linearBackwardBias(db: FloatArray, dy: FloatArray, g: LinearGeometry): void {
    this.linearBackward(null, null, db, dy, UNUSED, UNUSED, g);
  }

  linearBackward(
    dx: FloatArray | null,
    dw: FloatArray | null,
    db: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    w: FloatArray,
    g: LinearGeometry,
  ): void {
    if (!isFloat32(dx, dw, db, dy, x, w)) {
      return referenceBackend.linearBackward(dx, dw, db, dy, x, w, g);
    }
    const arena = this.arena;
    arena.reset();
    const pdy = this.input(dy as Float32Array);
    const [scratch, stride] = this.scratch(this.kernels.sgemmScratchBytes());
    if (dx !== null) {
      const pw = this.input(w as Float32Array);
      const pdx = this.output(dx as Float32Array);
      this.pool.run(
        'linearBackwardInput',
        [g.N, g.IN, g.OUT, pdx, pdy, pw, scratch, stride],
        this.threads,
      );
      this.finish(dx as Float32Array, pdx);
    }
    if (dw !== null) {
      const px = this.input(x as Float32Array);
      const pdw = this.output(dw as Float32Array);
      this.pool.run(
        'linearBackwardWeight',
        [g.N, g.IN, g.OUT, pdw, pdy, px, scratch, stride],
        this.threads,
      );
      this.finish(dw as Float32Array, pdw);
    }
    if (db !== null) {
      const pdb = this.output(db as Float32Array);
      this.pool.run('linearBackwardBias', [g.N, g.OUT, pdb, pdy], this.threads);
      this.finish(db as Float32Array, pdb);
    }
  }

  batchNorm2dForwardTrain(
    y: FloatArray,
    batchMean: FloatArray,
    batchVar: FloatArray,
    x: FloatArray,
    gamma: FloatArray | null,
    beta: FloatArray | null,
    eps: number,
    g: BatchNorm2dGeometry,
  ): void {
    if (!isFloat32(y, batchMean, batchVar, x, gamma, beta)) {
      return referenceBackend.batchNorm2dForwardTrain(
        y,
        batchMean,
        batchVar,
        x,
        gamma,
        beta,
        eps,
        g,
      );
    }
    const arena = this.arena;
    arena.reset();
    const py = this.output(y as Float32Array);
    const pmean = this.output(batchMean as Float32Array);
    const pvar = this.output(batchVar as Float32Array);
    const args = [
      g.N,
      g.C,
      g.H * g.W,
      py,
      pmean,
      pvar,
      this.input(x as Float32Array),
      this.optionalInput(gamma),
      this.optionalInput(beta),
      arena.putFloat64([eps]),
    ];
    this.pool.run('batchNorm2dForwardTrain', args, this.threads);
    this.finish(y as Float32Array, py);
    this.finish(batchMean as Float32Array, pmean);
    this.finish(batchVar as Float32Array, pvar);
  }

  batchNorm2dForwardEval(
    y: FloatArray,
    x: FloatArray,
    runningMean: FloatArray,
    runningVar: FloatArray,
    gamma: FloatArray | null,
    beta: FloatArray | null,
    eps: number,
    g: BatchNorm2dGeometry,
  ): void {
    if (!isFloat32(y, x, runningMean, runningVar, gamma, beta)) {
      return referenceBackend.batchNorm2dForwardEval(
        y,
        x,
        runningMean,
        runningVar,
        gamma,
        beta,
        eps,
        g,
      );
    }
    const arena = this.arena;
    arena.reset();
    const py = this.output(y as Float32Array);
    const args = [
      g.N,
      g.C,
      g.H * g.W,
      py,
      this.input(x as Float32Array),
      this.input(runningMean as Float32Array),
      this.input(runningVar as Float32Array),
      this.optionalInput(gamma),
      this.optionalInput(beta),
      arena.putFloat64([eps]),
    ];
    this.pool.run('batchNorm2dForwardEval', args, this.threads);
    this.finish(y as Float32Array, py);
  }

  batchNorm2dBackwardTrain(
    dx: FloatArray | null,
    dgamma: FloatArray | null,
    dbeta: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    gamma: FloatArray | null,
    batchMean: FloatArray,
    batchVar: FloatArray,
    eps: number,
    g: BatchNorm2dGeometry,
  ): void {
    if (!isFloat32(dx, dgamma, dbeta, dy, x, gamma, batchMean, batchVar)) {
      return referenceBackend.batchNorm2dBackwardTrain(
        dx,
        dgamma,
        dbeta,
        dy,
        x,
        gamma,
        batchMean,
        batchVar,
        eps,
        g,
      );
    }
    this.batchNorm2dBackward(dx, dgamma, dbeta, dy, x, gamma, batchMean, batchVar, eps, g, true);
  }

  batchNorm2dBackwardEval(
    dx: FloatArray | null,
    dgamma: FloatArray | null,
    dbeta: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    runningMean: FloatArray,
    runningVar: FloatArray,
    gamma: FloatArray | null,
    eps: number,
    g: BatchNorm2dGeometry,
  ): void {
    if (!isFloat32(dx, dgamma, dbeta, dy, x, runningMean, runningVar, gamma)) {
      return referenceBackend.batchNorm2dBackwardEval(
        dx,
        dgamma,
        dbeta,
        dy,
        x,
        runningMean,
        runningVar,
        gamma,
        eps,
        g,
      );
    }
    this.batchNorm2dBackward(
      dx,
      dgamma,
      dbeta,
      dy,
      x,
      gamma,
      runningMean,
      runningVar,
      eps,
      g,
      false,
    );
  }

  /** Both backward modes: one kernel, given the statistics the forward normalised with. */
  private batchNorm2dBackward(
    dx: FloatArray | null,
    dgamma: FloatArray | null,
    dbeta: FloatArray | null,
    dy: FloatArray,
    x: FloatArray,
    gamma: FloatArray | null,
    mean: FloatArray,
    variance: FloatArray,
    eps: number,
    g: BatchNorm2dGeometry,
    training: boolean,
  ): void {
    const arena = this.arena;
    arena.reset();
    const pdx = this.optionalOutput(dx);
    const pdgamma = this.optionalOutput(dgamma);
    const pdbeta = this.optionalOutput(dbeta);
    const args = [
      g.N,
      g.C,
      g.H * g.W,
      pdx,
      pdgamma,
      pdbeta,
      this.input(dy as Float32Array),
      this.input(x as Float32Array),
      this.optionalInput(gamma),
      this.input(mean as Float32Array),
      this.input(variance as Float32Array),
      arena.putFloat64([eps]),
      training ? 1 : 0,
    ];
    this.pool.run('batchNorm2dBackward', args, this.threads);
    this.optionalFinish(dx, pdx);
    this.optionalFinish(dgamma, pdgamma);
    this.optionalFinish(dbeta, pdbeta);
  }

  softmaxCrossEntropyForward(
    logits: FloatArray,
    labels: Labels,
    g: ClassificationGeometry,
  ): number {
    if (!isFloat32(logits)) return referenceBackend.softmaxCrossEntropyForward(logits, labels, g);
    checkLabels(labels, g);
    const arena = this.arena;
    arena.reset();
    const pz = this.input(logits as Float32Array);
    const pl = arena.putInt32(labels);
    return this.kernels.softmaxCrossEntropyForward(g.N, g.K, pz, pl);
  }

  softmaxCrossEntropyBackward(
    dlogits: FloatArray,
    logits: FloatArray,
    labels: Labels,
    g: ClassificationGeometry,
    dloss = 1,
  ): void {
    if (!isFloat32(dlogits, logits)) {
      return referenceBackend.softmaxCrossEntropyBackward(dlogits, logits, labels, g, dloss);
    }
    checkLabels(labels, g);
    const arena = this.arena;
    arena.reset();
    const pz = this.input(logits as Float32Array);
    const pl = arena.putInt32(labels);
    const pdz = this.output(dlogits as Float32Array);
    this.kernels.softmaxCrossEntropyBackward(g.N, g.K, pdz, pz, pl, dloss);
    this.finish(dlogits as Float32Array, pdz);
  }
}

/** The same label check as the reference, done here because the kernel trusts its input. */
function checkLabels(labels: Labels, g: ClassificationGeometry): void {
  for (let n = 0; n < g.N; n++) {
    const label = labels[n];
    if (!Number.isInteger(label) || label < 0 || label >= g.K) {
      throw new RangeError(
        `softmaxCrossEntropy: label ${label} at batch index ${n} is not a class index in [0, ${g.K})`,
      );
    }
  }
}

function describe(path: KernelPath): string {
  if (path.backend === 'reference')
    return 'reference kernels (this engine has no WebAssembly SIMD)';
  const threads = `${path.threads} thread${path.threads === 1 ? '' : 's'}`;
  const memory = path.sharedMemory ? 'shared memory' : 'no shared memory';
  return `wasm ${path.simd}, ${threads} (${memory})`;
}

/** The reference kernels dressed as a WasmBackend, for engines without WebAssembly SIMD. */
function referenceFallback(): WasmBackend {
  const path: KernelPath = {
    backend: 'reference',
    simd: null,
    threads: 1,
    sharedMemory: false,
    description: '',
  };
  path.description = describe(path);
  return {
    ...referenceBackend,
    name: 'reference',
    path,
    setThreads(threads: number) {
      if (threads !== 1)
        throw new RangeError('setThreads: the reference fallback runs on one thread');
    },
    memoryBytes: () => 0,
    copyStats: () => ({ bytesIn: 0, bytesOut: 0, milliseconds: 0 }),
    runStep: (_params, step) => step(),
    resident: (build) => build(),
    residentBytes: () => 0,
    sgemm(c, a, b, M, N, K) {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let sum = 0;
          for (let k = 0; k < K; k++) sum += a[i * K + k] * b[k * N + j];
          c[i * N + j] = sum;
        }
      }
    },
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
  const detected = await detectSimd();
  if (detected === null) return referenceFallback();
  if (simd === 'relaxed-simd' && detected !== 'relaxed-simd') {
    throw new Error(
      'createWasmBackend: relaxed SIMD was asked for, but this engine does not support it',
    );
  }
  const level: SimdLevel = simd === 'auto' ? detected : simd;
  const shared = (options.sharedMemory ?? true) && sharedMemoryAvailable();
  const requested = options.threads ?? (await defaultThreads());
  if (!Number.isInteger(requested) || requested < 1) {
    throw new RangeError(`createWasmBackend: threads must be a positive integer, got ${requested}`);
  }
  const threads = shared ? requested : 1;
  const module = await compileKernels(level, shared);
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 32768, shared });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = kernelExports(instance.exports);
  const pool = await ThreadPool.create(threads, module, memory, kernels);
  const path: KernelPath = {
    backend: 'wasm',
    simd: level,
    threads,
    sharedMemory: shared,
    description: '',
  };
  path.description = describe(path);
  return withReferenceFallback(
    new WasmKernels(path, new Arena(memory, kernels.heapBase()), kernels, pool),
  );
}

/** A full Backend: the WebAssembly kernels, and the reference for every kernel they lack. */
function withReferenceFallback(fast: WasmKernels): WasmBackend {
  const backend: WasmBackend = {
    ...referenceBackend,
    name: fast.name,
    path: fast.path,
    setThreads: (threads) => fast.setThreads(threads),
    memoryBytes: () => fast.memoryBytes(),
    copyStats: () => fast.copyStats(),
    runStep: (params, step) => fast.runStep(params, step),
    resident: (build) => fast.resident(build),
    residentBytes: () => fast.residentBytes(),
    sgemm: (c, a, b, M, N, K) => fast.sgemm(c, a, b, M, N, K),
    dispose: () => fast.dispose(),
  };
  for (const name of WASM_KERNELS) {
    Object.defineProperty(backend, name, { value: fast[name].bind(fast), enumerable: true });
  }
  return backend;
}
