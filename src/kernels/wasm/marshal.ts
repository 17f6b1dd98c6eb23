/**
 * The one marshaller between the kernel contract and the WebAssembly kernels. A fast op's host
 * code (src/kernels/wasm/<op>.ts) only says which pointers and integers its kernel takes; this
 * file does the rest once for every kernel:
 *
 * - float64 arrays (gradient checks) go to the reference kernel of the same name;
 * - every call starts with a fresh arena frame (geometry, copied-in inputs, scratch);
 * - inputs are used in place when they already live in the kernels' memory, else copied in;
 * - outputs are written in place, or into scratch that is copied out when the kernel returns;
 * - arrays updated in place (an optimizer's parameters and state) are used where they live, or
 *   copied in and back out;
 * - null operands become the null pointer 0, which the kernels read as "absent";
 * - a call that says how much work it does runs on no more threads than that work pays for
 *   (threadsForWork): waking a worker costs tens of microseconds, far more than a batch-1 ReLU.
 *   The kernels' results do not depend on the thread count, so this choice changes speed only.
 */
import type { FloatArray } from '../../tensor.js';
import type { KernelName, KernelTable } from '../backend.js';
import * as referenceKernels from '../reference/index.js';
import type { Arena } from './arena.js';
import type { KernelExports } from './exports.js';
import type { ThreadPool } from './thread-pool.js';
import { WeightCache } from './weight-cache.js';

/** What a host kernel uses to place its arguments and run its WebAssembly kernel. */
export interface Marshal {
  /** Threads this call runs on. */
  readonly threads: number;
  /** A pointer to an input in the kernels' memory (0 for null). */
  input(values: FloatArray | null): number;
  /** A pointer where the kernel writes `out`, copied back when the call ends (0 for null). */
  output(out: FloatArray | null): number;
  /**
   * A pointer to an array the kernel reads and overwrites (0 for null): the array itself when it
   * lives in the kernels' memory, else a copy that goes back when the call ends.
   */
  inPlace(values: FloatArray | null): number;
  /** A pointer where the kernel writes i32 values `out`, copied back when the call ends. */
  int32Output(out: Int32Array): number;
  /** A pointer to i32 values (geometry records, labels). */
  int32(values: ArrayLike<number>): number;
  /** A pointer to f64 values (scalars the kernels read at full precision, such as eps). */
  float64(...values: number[]): number;
  /** Per-thread scratch: [first byte, bytes per thread], one slice per thread of this call. */
  scratch(bytesPerThread: number): [number, number];
  /**
   * Zeroed int32s, one per thread, that a kernel's threads claim work items from
   * (assembly/lib/claim.ts).
   */
  counter(): number;
  /** A block of this call's memory that every thread shares (e.g. intermediate results). */
  block(bytes: number): number;
  /**
   * Runs the threaded kernel `name(tid, threads, ...args)` on this call's threads and waits.
   * `work`, where given, is about how many multiply-adds or element visits the call does: small
   * work runs on fewer threads (threadsForWork). Without it the call uses every thread.
   * `mostThreads` caps them where a kernel knows more threads would only wait (its work does not
   * split further).
   */
  run(name: string, args: readonly number[], work?: number, mostThreads?: number): void;
  /** Calls a single-threaded export and returns its result. */
  call(name: string, ...args: number[]): number;
  /** Copies out.length floats at `at` in the kernels' memory into `out`, now. */
  read(at: number, out: Float32Array): void;
  /** Arrays derived from weights (Winograd's filters, packed panels), kept between calls. */
  readonly derived: WeightCache;
}

/** A fast kernel's host code: the contract's arguments, after the marshaller. */
export type HostKernel<K extends KernelName> = (
  m: Marshal,
  ...args: Parameters<KernelTable[K]>
) => ReturnType<KernelTable[K]>;

/** Some kernels of the contract, each with its host code. */
export type HostKernels = { [K in KernelName]?: HostKernel<K> };

/** Declares the host code of one op's fast kernels, typed by the contract. */
export function hostKernels<T extends HostKernels>(kernels: T): T {
  return kernels;
}

type AnyKernel = (...args: unknown[]) => unknown;
type AnyHostKernel = (m: Marshal, ...args: unknown[]) => unknown;

function usesFloat64(args: readonly unknown[]): boolean {
  return args.some((a) => a instanceof Float64Array || (Array.isArray(a) && usesFloat64(a)));
}

/**
 * Work (multiply-adds or element visits) per thread a call needs before it is split. While the
 * workers poll between calls (thread-pool.ts, SPIN_MS), a split costs 1.5-3 us: a resident ReLU
 * on 2 threads against 1 (2026-12-07, medians) went 2.5-5.5 -> 4.2-6.5 us at 1,024 elements,
 * 11-12 -> 9-9.5 us at 16,384, 37-43 -> 22-24 us at 65,536. It was 2^18 when a split meant
 * waking a sleeping worker (20-200 us on this project's VM); that kept the seed net's batch-1
 * forward from splitting its first convolution (226k multiply-adds) and its 3136 -> 128 linear
 * layer (401k, bound by reading 1.6 MB of weights: 66 -> 38 us on two cores), and the forward
 * went from 0.19-0.41 to 0.13-0.37 ms on 2 threads (interleaved in one process; batch-1
 * detection and segmentation unchanged within the noise).
 */
export const WORK_PER_THREAD = 1 << 15;

/**
 * The threads a call of `work` runs on, of `available`: one per `perThread` of work, at least
 * one; every thread when perThread is 0.
 */
export function threadsForWork(
  work: number,
  available: number,
  perThread = WORK_PER_THREAD,
): number {
  if (perThread === 0) return available;
  return Math.max(1, Math.min(available, Math.floor(work / perThread)));
}

/** The per-call state behind Marshal; one per backend, reused by every call. */
export class CallMarshal implements Marshal {
  threads: number;
  /** Work per thread a call needs before it takes one more (0: every call takes them all). */
  workPerThread = WORK_PER_THREAD;
  private readonly pending: [Float32Array | Int32Array, number][] = [];
  /** What counter() copies in: a zeroed int32 per pool thread (setThreads never goes above). */
  private readonly zeroCounters: Int32Array;
  readonly derived: WeightCache;

  constructor(
    private readonly arena: Arena,
    private readonly exports: KernelExports,
    private readonly pool: ThreadPool,
  ) {
    this.threads = pool.size;
    this.zeroCounters = new Int32Array(pool.size);
    this.derived = new WeightCache(arena);
  }

  /** Wraps host code into a contract kernel: fallback, frame, copies. */
  bind(name: KernelName, host: AnyHostKernel): AnyKernel {
    const reference = referenceKernels[name] as AnyKernel;
    return (...args: unknown[]) => {
      if (usesFloat64(args)) return reference(...args);
      this.begin();
      return this.end(host(this, ...args));
    };
  }

  /** Runs host code in a fresh frame of the kernels' memory, then copies its outputs out. */
  invoke<T>(host: (m: Marshal) => T): T {
    this.begin();
    return this.end(host(this));
  }

  private begin(): void {
    this.arena.reset();
    this.clearPending();
  }

  /** Forgets the pending copies; a length store calls the runtime, so only when there are some. */
  private clearPending(): void {
    if (this.pending.length > 0) this.pending.length = 0;
  }

  /**
   * Copies the outputs written to scratch back to their arrays, frees the call's frame (where no
   * step holds tensors, arrays kept by the call can then go to resident memory); passes the
   * kernel's result on.
   */
  private end<T>(result: T): T {
    for (const [out, at] of this.pending) {
      if (out instanceof Int32Array) this.arena.takeInt32(at, out);
      else this.arena.take(at, out);
    }
    this.clearPending();
    this.arena.reset();
    this.derived.place();
    return result;
  }

  input(values: FloatArray | null): number {
    if (values === null) return 0;
    const floats = values as Float32Array;
    return this.arena.owns(floats) ? floats.byteOffset : this.arena.put(floats);
  }

  output(out: FloatArray | null): number {
    if (out === null) return 0;
    const floats = out as Float32Array;
    if (this.arena.owns(floats)) return floats.byteOffset;
    const at = this.arena.alloc(floats.byteLength);
    this.pending.push([floats, at]);
    return at;
  }

  inPlace(values: FloatArray | null): number {
    if (values === null) return 0;
    const floats = values as Float32Array;
    if (this.arena.owns(floats)) return floats.byteOffset;
    const at = this.arena.put(floats);
    this.pending.push([floats, at]);
    return at;
  }

  int32Output(out: Int32Array): number {
    const at = this.arena.alloc(out.byteLength);
    this.pending.push([out, at]);
    return at;
  }

  int32(values: ArrayLike<number>): number {
    return this.arena.putInt32(values);
  }

  float64(...values: number[]): number {
    return this.arena.putFloat64(values);
  }

  scratch(bytesPerThread: number): [number, number] {
    const stride = Math.ceil(bytesPerThread / 64) * 64;
    return [this.arena.alloc(stride * this.threads), stride];
  }

  counter(): number {
    return this.arena.putInt32(this.zeroCounters);
  }

  block(bytes: number): number {
    return this.arena.alloc(bytes);
  }

  run(name: string, args: readonly number[], work = Infinity, mostThreads = Infinity): void {
    const threads = Math.min(mostThreads, this.threads);
    this.pool.run(name, args, threadsForWork(work, threads, this.workPerThread));
  }

  call(name: string, ...args: number[]): number {
    return this.exports.call(name, ...args);
  }

  read(at: number, out: Float32Array): void {
    this.arena.take(at, out);
  }
}

/** Binds every op's host kernels into the backend's kernel table; a name twice is an error. */
export function bindHostKernels(
  sources: Iterable<HostKernels>,
  marshal: CallMarshal,
): Partial<KernelTable> {
  const table: Record<string, AnyKernel> = {};
  for (const source of sources) {
    for (const [name, host] of Object.entries(source)) {
      if (host === undefined) continue;
      if (!(name in referenceKernels)) {
        throw new Error(`wasm kernels: ${name} is not a kernel of the contract`);
      }
      if (name in table) throw new Error(`wasm kernels: ${name} has two host implementations`);
      table[name] = marshal.bind(name as KernelName, host as AnyHostKernel);
    }
  }
  return table as Partial<KernelTable>;
}
