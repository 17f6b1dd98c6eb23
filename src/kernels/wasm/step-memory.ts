/**
 * Tensors that live in the kernels' memory: a training step's (runStep), which kernels read and
 * write in place instead of copying, and a model's (resident), kept for the backend's life.
 * Both work only on a shared memory, whose views survive growth; elsewhere they simply run.
 */
import {
  Tensor,
  withFloat32Allocator,
  type Float32Allocator,
  type FloatArray,
} from '../../tensor.js';
import type { Arena } from './arena.js';

export class StepMemory {
  private inStep = false;
  /** Where a step's float32 tensors come from (one object for every step). */
  private readonly allocator: Float32Allocator = {
    allocate: (length, zeroed) => this.arena.allocateTensor(length, zeroed),
  };

  /** `released` runs after each step's memory is freed (resident memory may be taken then). */
  constructor(
    private readonly arena: Arena,
    private readonly released: () => void = () => {},
  ) {}

  /**
   * Runs one step with every float32 tensor it makes in the kernels' memory. The step's tensors
   * end with it, so it must return numbers (the loss), not tensors; gradients of `params` made
   * during the step are copied to ordinary memory at its end.
   */
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
      const result = withFloat32Allocator(this.allocator, step);
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
      this.released();
    }
  }

  /**
   * `count` zeroed arrays of like's length in resident memory, when `like` is resident and no
   * step is running (an optimizer's state beside its parameter, reserved when it is built);
   * null otherwise.
   */
  residentBeside(like: FloatArray, count: number): Float32Array[] | null {
    if (this.inStep || !this.arena.canHoldTensors) return null;
    if (!(like instanceof Float32Array) || !this.arena.isResident(like)) return null;
    return Array.from({ length: count }, () => this.arena.allocateResident(like.length));
  }

  /** Runs `build` with every float32 tensor it makes held in the kernels' memory until dispose. */
  resident<T>(build: () => T): T {
    if (this.inStep) throw new Error('resident: cannot be called inside runStep');
    if (!this.arena.canHoldTensors) return build();
    return withFloat32Allocator(
      { allocate: (length) => this.arena.allocateResident(length) },
      build,
    );
  }
}
