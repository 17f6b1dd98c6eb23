/**
 * The kernel registry. The contract is the table of reference kernels (src/kernels/reference/):
 * each op's kernels are defined once, in the reference file named after the op, and their types
 * are the signatures every backend implements. A backend is a name and the kernels it speeds up;
 * the reference fills in every kernel it does not register, so a fast backend registers only
 * what it has and nothing else needs a list of kernel names.
 *
 * Conventions of the kernels: outputs first; geometry last (made by src/shape/, never
 * recomputed in a kernel); every function overwrites its outputs; a null output is skipped.
 */
import type { FloatArray, Tensor } from '../tensor.js';
import * as referenceKernels from './reference/index.js';

export type { AvgPoolMode, Labels, UpsampleBilinearMode } from './reference/index.js';

/** Every kernel, by name: the contract. */
export type KernelTable = typeof referenceKernels;
export type KernelName = keyof KernelTable;

/**
 * A backend: the kernels it implements (any subset of the table), and optionally memory of its
 * own that tensors can live in (the fast backend's: resident models, in-place steps).
 */
export interface Backend {
  /** A short name shown to users: 'reference', 'wasm-relaxed-simd', ... */
  readonly name: string;
  /** Its kernels; the reference runs every kernel missing here. */
  readonly kernels: Partial<KernelTable>;
  /**
   * Optional: runs `build` with the float32 tensors it makes placed in the kernels' own memory
   * for the backend's life, so calls read them without copying (the fast backend's). Use
   * residentTensors() rather than calling it directly.
   */
  resident?<T>(build: () => T): T;
  /**
   * Optional: runs one step with every float32 tensor it makes in the kernels' own memory, so
   * kernels work in place (the fast backend's; see WasmControls.runStep). fit, evaluate and the
   * training step use it through the current backend (src/train/step-runner.ts).
   */
  runStep?<T>(params: Iterable<Tensor>, step: () => T): T;
  /**
   * Optional: `count` zeroed float32 arrays of like's length, held in the backend's resident
   * memory for its life, when `like` (a parameter's data) lives there and no step is running;
   * null otherwise. Optimizers reserve their state's buffers with it when they are built, so the
   * update kernels read and write parameter and state in place (the fast backend's).
   */
  residentBuffers?(like: FloatArray, count: number): Float32Array[] | null;
}

/** The plain loops, complete: the spec, and the fallback for whatever a backend lacks. */
export const referenceBackend: Backend = { name: 'reference', kernels: referenceKernels };

/** A backend with every kernel present: its own, then the reference's for the rest. */
export type ActiveBackend = KernelTable & Backend;

/**
 * `backend` with the reference filling in every kernel it does not register. Made once per
 * backend (a backend's kernels are fixed once it is used): setBackend runs on every training or
 * inference step in some callers, and building the table of about 80 kernels costs ~80 us.
 */
export function withReferenceFallback(backend: Backend): ActiveBackend {
  let active = activeTables.get(backend);
  if (active === undefined) {
    active = buildActive(backend);
    activeTables.set(backend, active);
  }
  return active;
}

const activeTables = new WeakMap<Backend, ActiveBackend>();

function buildActive(backend: Backend): ActiveBackend {
  const active: ActiveBackend = {
    ...referenceKernels,
    ...definedKernels(backend),
    name: backend.name,
    kernels: backend.kernels,
  };
  // The optional memory members travel with the table, bound to their backend.
  if (backend.resident !== undefined) active.resident = backend.resident.bind(backend);
  if (backend.runStep !== undefined) active.runStep = backend.runStep.bind(backend);
  if (backend.residentBuffers !== undefined) {
    active.residentBuffers = backend.residentBuffers.bind(backend);
  }
  return active;
}

/** The kernels a backend really registers (an explicit undefined must not hide the reference). */
function definedKernels(backend: Backend): Partial<KernelTable> {
  const kernels: Record<string, unknown> = {};
  for (const [name, kernel] of Object.entries(backend.kernels)) {
    if (kernel !== undefined) kernels[name] = kernel;
  }
  return kernels as Partial<KernelTable>;
}

let active: ActiveBackend = withReferenceFallback(referenceBackend);

/** Makes `backend` the one every op calls from now on. */
export function setBackend(backend: Backend): void {
  active = withReferenceFallback(backend);
}

/** The kernels ops call: the chosen backend's, the reference's until one is chosen. */
export function getBackend(): ActiveBackend {
  return active;
}

/**
 * Makes what `build` returns (typically a model, whose parameters then live where the current
 * backend's kernels read them in place) with the current backend's resident memory, where it
 * has one; otherwise simply runs `build`. For models that live as long as the backend.
 */
export function residentTensors<T>(build: () => T): T {
  return active.resident === undefined ? build() : active.resident(build);
}
