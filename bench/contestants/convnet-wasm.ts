/**
 * convnet-ts fast backend (WebAssembly SIMD on worker threads), loaded from
 * src/kernels/wasm/index.ts when it exists. What the bench expects from that module:
 *
 *   createWasmBackend(options?: { threads?: number }): Promise<Backend & ...>
 *       preferred; called once with threads = os.availableParallelism(). Without it, any
 *       exported object that satisfies the Backend interface (src/kernels/backend.ts) is used.
 *
 * and from the backend object (or, failing that, from the module):
 *
 *   setThreads?(n: number): void | Promise<void>
 *       threads per call; the bench measures n = 1 and n = os.availableParallelism()
 *   sgemm?(c, a, b, M, N, K): void
 *       row-major C(M,N) = A(M,K)·B(K,N) on Float32Arrays, overwriting c; without it SGEMM runs
 *       through linearForward (A·Bᵀ, same FLOPs)
 *   path?: { description: string }       which kernels run, printed in the header
 *   runStep?(params, step): T             runs a step with its tensors in WASM memory; the
 *                                         network workloads run inside it, as `fit` does
 *   dispose?(): void                      stops the worker threads when the bench ends
 *
 * Conv and pool run through the Backend functions on plain Float32Arrays, exactly as the ops
 * call them, so any copy into and out of WASM memory is inside the timed region. The network
 * workloads run the seed net through the ops and autograd with this backend selected; the fit
 * workloads run a preset through the library's DataLoader and training step (fit-step.ts).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Backend } from '../../src/kernels/backend.js';
import { errorMessage, randomFloat32, Unavailable, type Contestant } from './contestant.js';
import { backendFitStep } from './fit-step.js';
import {
  backendConvForward,
  backendConvForwardBackward,
  backendInferNet,
  backendLinearSgemm,
  backendMaxPoolForwardBackward,
  backendTrainNet,
  type RunStep,
} from './backend-workloads.js';

/** Row-major C(M,N) = A(M,K)·B(K,N), overwriting c. */
export type Sgemm = (
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  N: number,
  K: number,
) => void;

type SetThreads = (n: number) => void | Promise<void>;
type CreateBackend = (options?: { threads?: number }) => Promise<unknown>;

interface Fast {
  backend: Backend;
  setThreads: SetThreads | null;
  sgemm: Sgemm | null;
  runStep: RunStep | null;
  description: string | null;
  dispose: (() => void) | null;
}

/** A URL, not a literal specifier, so that tsc does not resolve a module that may not exist. */
const MODULE_URL = new URL('../../src/kernels/wasm/index.js', import.meta.url);
const SOURCES = ['../../src/kernels/wasm/index.ts', '../../src/kernels/wasm/index.js'];

/** The fast kernels the bench workloads time: the backend must register them. */
const BACKEND_KERNELS = [
  'conv2dForward',
  'conv2dBackward',
  'maxPool2dForward',
  'maxPool2dBackward',
  'linearForward',
] as const;

type Exports = Record<string, unknown>;

function asRecord(value: unknown): Exports | null {
  return typeof value === 'object' && value !== null ? (value as Exports) : null;
}

function isBackend(value: unknown): value is Backend {
  const record = asRecord(value);
  if (record === null) return false;
  const kernels = asRecord(record.kernels);
  return (
    typeof record.name === 'string' &&
    kernels !== null &&
    BACKEND_KERNELS.every((key) => typeof kernels[key] === 'function')
  );
}

/** A method of the backend (bound) or else a function the module exports, typed as documented. */
function hook<T>(backend: Exports, mod: Exports, key: string): T | null {
  const own = backend[key];
  if (typeof own === 'function') return (own as (...args: never[]) => unknown).bind(backend) as T;
  const exported = mod[key];
  return typeof exported === 'function' ? (exported as T) : null;
}

function pathDescription(backend: Exports): string | null {
  const description = asRecord(backend.path)?.description;
  return typeof description === 'string' ? description : null;
}

async function loadFast(): Promise<Fast> {
  if (!SOURCES.some((p) => existsSync(new URL(p, import.meta.url)))) {
    throw new Unavailable('not built: src/kernels/wasm/index.ts does not exist yet');
  }
  let mod: Exports;
  let backend: unknown;
  try {
    mod = (await import(MODULE_URL.href)) as Exports;
    const create = mod.createWasmBackend;
    backend =
      typeof create === 'function'
        ? await (create as CreateBackend)({ threads: availableParallelism() })
        : Object.values(mod).find(isBackend);
  } catch (e) {
    throw new Unavailable(`src/kernels/wasm failed to load: ${errorMessage(e)}`);
  }
  const record = asRecord(backend);
  if (record === null || !isBackend(backend)) {
    throw new Unavailable('src/kernels/wasm gives no object that satisfies Backend');
  }
  return {
    backend,
    setThreads: hook<SetThreads>(record, mod, 'setThreads'),
    sgemm: hook<Sgemm>(record, mod, 'sgemm'),
    runStep: hook<RunStep>(record, mod, 'runStep'),
    description: pathDescription(record),
    dispose: hook<() => void>(record, mod, 'dispose'),
  };
}

let fast: Fast | null = null;

function loaded(): Fast {
  if (fast === null) throw new Error('convnet-wasm: setup() has not run');
  return fast;
}

export const convnetWasm: Contestant = {
  name: 'convnet-wasm',
  side: 'ours',
  probe: false,
  async setup() {
    fast = await loadFast();
    const parts = [`backend '${fast.backend.name}'`];
    if (fast.description !== null) parts.push(fast.description);
    if (fast.setThreads === null) parts.push('no setThreads: its default thread count');
    if (fast.sgemm === null) parts.push('no sgemm: SGEMM via linearForward');
    if (fast.runStep === null) parts.push('no runStep: network steps copy on every call');
    return `convnet-ts src/kernels/wasm: ${parts.join(', ')}`;
  },
  threadCounts() {
    if (loaded().setThreads === null) return [0];
    return [...new Set([1, availableParallelism()])];
  },
  async activate(threads) {
    const { setThreads } = loaded();
    if (setThreads !== null && threads > 0) await setThreads(threads);
  },
  sgemm(M, N, K) {
    const { backend, sgemm } = loaded();
    if (sgemm === null) return backendLinearSgemm(backend, M, N, K);
    const a = randomFloat32(M * K, 1);
    const b = randomFloat32(K * N, 2);
    const c = new Float32Array(M * N);
    return { run: () => sgemm(c, a, b, M, N, K) };
  },
  conv2dForward: (c) => backendConvForward(loaded().backend, c),
  conv2dForwardBackward: (c) => backendConvForwardBackward(loaded().backend, c),
  maxPoolForwardBackward: (p) => backendMaxPoolForwardBackward(loaded().backend, p),
  trainNet: (n) => backendTrainNet(loaded().backend, loaded().runStep, n),
  inferNet: (n) => backendInferNet(loaded().backend, loaded().runStep, n),
  fitStep: (f) => backendFitStep(loaded().backend, f),
  teardown() {
    fast?.dispose?.();
    fast = null;
  },
};
