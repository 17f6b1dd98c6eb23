/**
 * Worker threads that share the kernels' memory and run one kernel call together.
 *
 * The calling thread is thread 0. A call on T threads is T shares, f(t, T, ...args) for t < T,
 * each computing its own part of the output whichever thread runs it. The caller writes the
 * kernel's index and integer arguments into a shared control block, bumps the generation
 * counter and wakes the workers (Atomics.notify), runs share 0, and then claims and runs itself
 * every share that no worker has claimed yet: a share is claimed once, by an atomic
 * compare-exchange of its slot from an older generation to this call's. A worker that wakes
 * claims its own share (worker t, share t) and runs it. So on a machine whose other work keeps a
 * worker off the CPU, the call ends at about the speed of one thread, instead of waiting for the
 * worker to be scheduled (measured 100-200 us per call on this project's shared 2-core VM). The
 * caller waits (Atomics.wait) until the shares that workers claimed are done. Waiting threads
 * poll for SPIN_MS before they sleep. A call on one thread runs on the caller alone, and so do
 * the SOLO_CALLS calls after MISSES_BEFORE_SOLO calls in a row that no worker joined: a call
 * split into shares repeats what its shares have in common (each share of a batch-1
 * convolution builds the whole im2col), which costs up to 2x when the caller runs them all.
 * Calls are synchronous, like the Backend interface.
 *
 * Why a late worker cannot run a share twice or read a later call's arguments: a call ends only
 * when each of its shares has been claimed (by the caller or a worker) and done, and the caller
 * marks the shares of threads it does not use as claimed before it publishes the call; so a
 * worker's claim for a generation succeeds only while that call is still running, and it reads
 * the call's arguments only after its claim succeeded.
 */
import { exportedFunctionNames, type KernelExports } from './exports.js';
import { isNode } from './platform.js';

const GENERATION = 0;
/** Shares of this call that workers have done. */
const DONE = 1;
const KERNEL = 2;
const ARGC = 3;
const THREADS = 4;
const FAILED = 5;
const SHUTDOWN_FLAG = 6;
const ARGS = 8;
const MAX_ARGS = 24;
/** CLAIMS + t: the last generation whose share t was claimed. */
const CLAIMS = ARGS + MAX_ARGS;
/**
 * How long a thread polls before it sleeps, in milliseconds: a worker for the next call, the
 * caller for the workers to finish. The ops issue calls tens of microseconds apart, and waking a
 * sleeping thread (Atomics.notify) costs about as much, and far more in a virtual machine (about
 * 70 us per call measured on a 2-core VM), which made a batch-1 forward pass 2.4x slower on 2
 * threads than on 1.
 */
const SPIN_MS = 0.1;
/** Calls in a row that no worker joined before the next SOLO_CALLS run on the caller alone. */
const MISSES_BEFORE_SOLO = 2;
/**
 * A call run solo that took this long, in milliseconds, ends the solo calls: a worker would have
 * paid for itself there. Batch-1 passes, whose calls take well under it, stay on the caller as
 * the misses ask (faster on this project's VM than waking a worker per call); a batch-256
 * embedding's 2-18 ms convolutions, sent solo by misses on the small calls between them, lost
 * their second thread for up to 32 calls before (a quarter of its calls ran solo).
 */
const LONG_SOLO_MS = 1;
const SOLO_CALLS = 32;

/** The worker's program, run by Node's worker_threads (eval) or a browser Worker (blob URL). */
function workerSource(runtime: 'node' | 'browser'): string {
  const start =
    runtime === 'node'
      ? `const { parentPort, workerData } = require('node:worker_threads'); main(workerData, (m) => parentPort.postMessage(m));`
      : `self.onmessage = (event) => main(event.data, (m) => self.postMessage(m));`;
  return `
'use strict';
function main({ module, memory, control, tid, names }, post) {
  const ctrl = new Int32Array(control);
  let kernels;
  try {
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  } catch (error) {
    post({ error: String(error) });
    return;
  }
  post({ ready: true });
  let seen = 0;
  for (;;) {
    // Spin briefly, then sleep. Re-check after every wake: the caller's notify for a generation
    // can arrive after this worker has already seen that generation.
    const spinUntil = performance.now() + ${SPIN_MS};
    while (Atomics.load(ctrl, ${GENERATION}) === seen) {
      if (performance.now() > spinUntil) Atomics.wait(ctrl, ${GENERATION}, seen);
    }
    seen = Atomics.load(ctrl, ${GENERATION});
    if (Atomics.load(ctrl, ${SHUTDOWN_FLAG}) === 1) break;
    // Claim this call's share; it fails when the caller took it (or does not use this thread).
    const claimed = Atomics.load(ctrl, ${CLAIMS} + tid);
    if (((claimed - seen) | 0) >= 0) continue;
    if (Atomics.compareExchange(ctrl, ${CLAIMS} + tid, claimed, seen) !== claimed) continue;
    try {
      kernels[names[ctrl[${KERNEL}]]](tid, ctrl[${THREADS}], ...ctrl.subarray(${ARGS}, ${ARGS} + ctrl[${ARGC}]));
    } catch (error) {
      Atomics.store(ctrl, ${FAILED}, 1);
      post({ error: String(error) });
    }
    Atomics.add(ctrl, ${DONE}, 1);
    Atomics.notify(ctrl, ${DONE});
  }
}
${start}
`;
}

interface WorkerHandle {
  terminate(): void;
}

export class ThreadPool {
  /** Threads including the caller's. */
  readonly size: number;
  private readonly control: Int32Array;
  private readonly kernels: KernelExports;
  /** Each exported function's index in the list the workers hold; a call passes it to them. */
  private readonly indexOf: ReadonlyMap<string, number>;
  private readonly workers: WorkerHandle[];
  private lastError = '';
  /**
   * Whether calls that no worker joins make the next ones run on the caller alone (see run);
   * false keeps every call split, as tests of the threaded paths need.
   */
  soloWhenWorkersMiss = true;
  /** Calls in a row whose every share the caller ran itself. */
  private misses = 0;
  /** Calls left to run whole on the caller (see run). */
  private soloCalls = 0;
  private closed = false;

  private constructor(
    size: number,
    control: Int32Array,
    kernels: KernelExports,
    names: readonly string[],
    workers: WorkerHandle[],
  ) {
    this.size = size;
    this.control = control;
    this.kernels = kernels;
    this.indexOf = new Map(names.map((name, index) => [name, index]));
    this.workers = workers;
  }

  /** A pool of `size` threads (the caller plus size-1 workers) over a shared memory. */
  static async create(
    size: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    kernels: KernelExports,
  ): Promise<ThreadPool> {
    const names = exportedFunctionNames(module);
    // Only workers need the control block shared; one thread runs without SharedArrayBuffer,
    // which a page that is not cross-origin isolated does not have.
    const bytes = (CLAIMS + size) * 4;
    const control = new Int32Array(
      size > 1 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes),
    );
    const workers: WorkerHandle[] = [];
    const ready: Promise<void>[] = [];
    let pool: ThreadPool | null = null;
    for (let tid = 1; tid < size; tid++) {
      const init = { module, memory, control: control.buffer, tid, names };
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (message: { ready?: boolean; error?: string }) => {
            if (message.ready === true) resolve();
            else if (message.error !== undefined) {
              if (pool !== null) pool.lastError = message.error;
              reject(new Error(`wasm worker ${tid}: ${message.error}`));
            }
          };
          if (isNode) {
            void import('node:worker_threads').then(({ Worker }) => {
              const worker = new Worker(workerSource('node'), { eval: true, workerData: init });
              worker.on('message', (message: { ready?: boolean; error?: string }) => {
                // Held until it is ready (the pool is being awaited), then let go: idle workers
                // never keep the process alive. unref() must come after the 'message' listener
                // is attached, which refs the worker again.
                if (message.ready === true) worker.unref();
                onMessage(message);
              });
              worker.on('error', reject);
              workers.push(worker);
            }, reject);
          } else {
            const url = URL.createObjectURL(
              new Blob([workerSource('browser')], { type: 'text/javascript' }),
            );
            const worker = new Worker(url);
            worker.onmessage = (event: MessageEvent<{ ready?: boolean; error?: string }>) =>
              onMessage(event.data);
            worker.onerror = (event) => reject(new Error(event.message));
            worker.postMessage(init);
            workers.push(worker);
          }
        }),
      );
    }
    await Promise.all(ready);
    pool = new ThreadPool(size, control, kernels, names, workers);
    return pool;
  }

  /** Runs kernel(tid, threads, ...args) on `threads` threads (at most the pool's size) and waits. */
  run(kernel: string, args: readonly number[], threads = this.size): void {
    if (this.closed) throw new Error(`ThreadPool: ${kernel} called after the backend was disposed`);
    const used = Math.max(1, Math.min(threads, this.size));
    const fn = this.kernels.get(kernel);
    // A wasm export's length is its parameter count: a missing argument would silently be 0.
    const arity = fn.length;
    if (args.length + 2 !== arity) {
      throw new RangeError(
        `ThreadPool: ${kernel} takes ${arity - 2} arguments after (tid, threads), got ${args.length}`,
      );
    }
    if (used === 1) {
      fn(0, 1, ...args);
      return;
    }
    if (this.soloCalls > 0) {
      // Workers that kept missing their shares: the caller runs it alone, until a call is long.
      const started = performance.now();
      fn(0, 1, ...args);
      this.soloCalls = performance.now() - started >= LONG_SOLO_MS ? 0 : this.soloCalls - 1;
      return;
    }
    if (args.length > MAX_ARGS)
      throw new RangeError(`ThreadPool: ${kernel} has too many arguments`);
    const c = this.control;
    const generation = (c[GENERATION] + 1) | 0;
    c[KERNEL] = this.indexOf.get(kernel) as number;
    c[ARGC] = args.length;
    c[THREADS] = used;
    c.set(args, ARGS);
    // Threads beyond `used` have no share: theirs count as claimed.
    for (let t = used; t < this.size; t++) Atomics.store(c, CLAIMS + t, generation);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, GENERATION, generation);
    Atomics.notify(c, GENERATION);
    let failure: unknown = null;
    const share = (t: number): void => {
      try {
        fn(t, used, ...args);
      } catch (error) {
        failure ??= error;
      }
    };
    share(0);
    let byWorkers = 0;
    for (let t = 1; t < used; t++) {
      const claimed = Atomics.load(c, CLAIMS + t);
      const free = ((claimed - generation) | 0) < 0;
      if (free && Atomics.compareExchange(c, CLAIMS + t, claimed, generation) === claimed) share(t);
      else byWorkers++;
    }
    this.waitForWorkers(byWorkers);
    // Every share fell to the caller: the workers are kept off the CPU, and a split call only
    // repeats the work its shares have in common (a batch-1 convolution's im2col). After
    // MISSES_BEFORE_SOLO such calls in a row, the next SOLO_CALLS run whole on the caller (until
    // one of them is long, LONG_SOLO_MS).
    this.misses = byWorkers === 0 ? this.misses + 1 : 0;
    if (this.soloWhenWorkersMiss && this.misses >= MISSES_BEFORE_SOLO) {
      this.misses = 0;
      this.soloCalls = SOLO_CALLS;
    }
    if (failure !== null) throw failure;
    if (Atomics.exchange(c, FAILED, 0) !== 0) {
      throw new Error(`wasm kernel ${kernel} failed on a worker thread ${this.lastError}`.trim());
    }
  }

  /** Waits until the `shares` shares that workers claimed in this call are done. */
  private waitForWorkers(shares: number): void {
    const c = this.control;
    const spinUntil = performance.now() + SPIN_MS;
    for (let done = Atomics.load(c, DONE); done !== shares; done = Atomics.load(c, DONE)) {
      if (performance.now() > spinUntil) Atomics.wait(c, DONE, done);
    }
  }

  /** Stops the workers. The pool cannot be used afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.size === 1) return;
    const c = this.control;
    Atomics.store(c, SHUTDOWN_FLAG, 1);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    for (const worker of this.workers) worker.terminate();
  }
}
