/**
 * The host's view of the kernels' memory: a bump allocator over one WebAssembly.Memory (shared
 * between threads when threads are used), in three regions:
 *
 *   [base .. residentTop)     resident tensors (backend.resident): a model's parameters, kept
 *                             for the backend's life so that no kernel call copies them
 *   [residentTop .. stepTop)  tensors made during a step (runStep): views used in place
 *   [stepTop .. top)          one kernel call's geometry, copied-in inputs, outputs and scratch
 *
 * Each kernel call resets `top` to `stepTop`; the end of a step resets both to `residentTop`.
 * Nothing but resident tensors outlives a step, so memory use is the resident tensors plus the
 * largest step's, whatever the run's length. Views stay valid when the memory grows because a
 * shared memory's buffer is never detached; tensors are therefore offered only on shared memory.
 */
import type { CopyStats } from './copy-stats.js';

const PAGE = 65536;
const ALIGN = 64; // a cache line; also keeps every f32x4 access 16-byte aligned

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly copies: CopyStats = { bytesIn: 0, bytesOut: 0, milliseconds: 0 };
  private readonly base: number;
  private residentTop: number;
  private stepTop: number;
  private top: number;
  /** Every SharedArrayBuffer this memory has shown (one per growth): views on them are ours. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /**
   * The memory's buffer, its size and views over it, renewed when alloc grows it (nothing else
   * grows it: the kernels never do). Reading memory.buffer calls into the engine each time, and a
   * batch-1 forward pass allocates some 50 times. The size is kept too, though the buffer's
   * byteLength gives it: that getter cost 0.2 us of the forward's 8.7 us of JavaScript.
   */
  private buffer!: ArrayBufferLike;
  private capacity = 0;
  private f32View!: Float32Array;
  private i32View!: Int32Array;

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.base = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.residentTop = this.base;
    this.stepTop = this.residentTop;
    this.top = this.residentTop;
    this.renew();
  }

  private renew(): void {
    this.buffer = this.memory.buffer;
    this.buffers.add(this.buffer);
    this.capacity = this.buffer.byteLength;
    this.f32View = new Float32Array(this.buffer);
    this.i32View = new Int32Array(this.buffer);
  }

  /** Frees what the last kernel call allocated. */
  reset(): void {
    this.top = this.stepTop;
  }

  /** Whether step tensors can live here: only on a shared memory, whose views survive growth. */
  get canHoldTensors(): boolean {
    return typeof SharedArrayBuffer !== 'undefined' && this.buffer instanceof SharedArrayBuffer;
  }

  /** A step tensor's data (zeroed, or holding any values), in this memory. Valid until releaseStep(). */
  allocateTensor(length: number, zeroed: boolean): Float32Array {
    this.top = this.stepTop;
    const at = this.alloc(length * 4);
    this.stepTop = this.top;
    const view = this.view(at, length);
    return zeroed ? view.fill(0) : view;
  }

  /** A zeroed resident tensor's data, valid for the memory's life; not during a step. */
  allocateResident(length: number): Float32Array {
    if (this.stepTop !== this.residentTop) {
      throw new Error('wasm kernels: resident tensors cannot be made during a step');
    }
    this.top = this.residentTop;
    const at = this.alloc(length * 4);
    this.residentTop = this.top;
    this.stepTop = this.top;
    return this.view(at, length).fill(0);
  }

  /**
   * Whether allocateResident may run now: no step tensors and no kernel call's frame above the
   * resident region (between calls, outside a step or before its first tensor).
   */
  get residentAllocationAllowed(): boolean {
    return this.stepTop === this.residentTop && this.top === this.stepTop;
  }

  /** Bytes held by resident tensors. */
  get residentBytes(): number {
    return this.residentTop - this.base;
  }

  /** A view of a block, which may still hold an earlier step's or call's values. */
  private view(at: number, length: number): Float32Array {
    return new Float32Array(this.buffer, at, length);
  }

  /** Ends a step: every step tensor's memory is free again. */
  releaseStep(): void {
    this.stepTop = this.residentTop;
    this.top = this.residentTop;
  }

  /** Whether `values` is a view of this memory's resident region (held for the memory's life). */
  isResident(values: Float32Array): boolean {
    return (
      this.owns(values) &&
      values.byteOffset >= this.base &&
      values.byteOffset + values.byteLength <= this.residentTop
    );
  }

  /** Whether `values` is a view of this memory (a step tensor), usable in place. */
  owns(values: Float32Array): boolean {
    return this.buffers.has(values.buffer);
  }

  /** A fresh, 64-byte aligned block of `bytes` bytes; the memory grows as needed. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    const shortfall = this.top - this.capacity;
    if (shortfall > 0) {
      try {
        this.memory.grow(Math.ceil(shortfall / PAGE));
      } catch (error) {
        throw new RangeError(
          `wasm kernels: cannot grow memory to ${(this.top / 2 ** 20).toFixed(0)} MiB (${String(error)})`,
        );
      }
      this.renew();
    }
    return at;
  }

  /** Views over the whole memory. */
  get f32(): Float32Array {
    return this.f32View;
  }

  get i32(): Int32Array {
    return this.i32View;
  }

  /** Allocates a block and copies `values` into it. */
  put(values: Float32Array): number {
    const at = this.alloc(values.length * 4);
    const start = performance.now();
    this.f32.set(values, at / 4);
    this.copies.milliseconds += performance.now() - start;
    this.copies.bytesIn += values.byteLength;
    return at;
  }

  /** Allocates a block of i32 values. */
  putInt32(values: ArrayLike<number>): number {
    const at = this.alloc(values.length * 4);
    this.i32.set(values, at / 4);
    return at;
  }

  /** Allocates a block of f64 values (scalars such as eps, read by the kernels at full precision). */
  putFloat64(values: ArrayLike<number>): number {
    const at = this.alloc(values.length * 8);
    new Float64Array(this.buffer, at, values.length).set(values);
    return at;
  }

  /** Copies `out.length` floats from `at` into `out`. */
  take(at: number, out: Float32Array): void {
    const start = performance.now();
    out.set(this.f32.subarray(at / 4, at / 4 + out.length));
    this.copies.milliseconds += performance.now() - start;
    this.copies.bytesOut += out.byteLength;
  }

  /** Copies `out.length` i32 values from `at` into `out`. */
  takeInt32(at: number, out: Int32Array): void {
    out.set(this.i32.subarray(at / 4, at / 4 + out.length));
    this.copies.bytesOut += out.byteLength;
  }

  /** Bytes in use by the memory (its current size). */
  get byteLength(): number {
    return this.capacity;
  }
}
