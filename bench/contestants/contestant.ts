/**
 * The contract every contestant implements: one file per library in this folder, listed in
 * ./index.ts. A contestant prepares a workload (allocates and fills its inputs, compiles what it
 * compiles) outside the timed region and hands back a `run` function that does the work once and
 * returns only when the results are computed.
 *
 * A contestant takes part in the workloads whose method it has: convnetjs, benchmarked on the
 * network lines only, has no kernel methods and gets no kernel rows. A method it has but cannot
 * carry out for a case (a kernel the library lacks) returns Unsupported, which is printed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '../../src/rng.js';
import type { RunFn } from '../timing.js';
import type { ConvCase, FitCase, NetCase, PoolCase } from '../workloads.js';

/** A workload ready to be timed. */
export interface Prepared {
  /** Does the work once; resolves when the results exist (lazy libraries block here). */
  readonly run: RunFn;
  /** Frees what preparation allocated (tfjs tensors, jax-js arrays). */
  readonly dispose?: () => void;
  /** Shown in the table's note column. */
  readonly note?: string;
  /**
   * Set when the run does less than the workload because the library lacks a kernel: `missing`
   * says what was left out, `flops` is what the run does (GFLOPS are computed on it), and a
   * speed-up against this row is a lower bound (printed as ">=").
   */
  readonly partial?: { readonly missing: string; readonly flops: number | null };
}

/** The library cannot run this workload at all; the reason is printed in the table. */
export interface Unsupported {
  readonly unsupported: string;
}

export type Preparation = Prepared | Unsupported;

export function isUnsupported(p: Preparation): p is Unsupported {
  return 'unsupported' in p;
}

export interface Contestant {
  /** The name in tables and in `--contestants`. */
  readonly name: string;
  /** Ratios are printed for every 'ours' row against every other row of the same workload. */
  readonly side: 'ours' | 'peer';
  /**
   * True for plain-JS contestants with no compile step: before measuring a conv or pool
   * workload the harness times it at N = 1 and scales by N, to skip or time-box runs that
   * would take too long.
   */
  readonly probe: boolean;
  /** Loads the library; returns a one-line description. Throws Unavailable if it cannot run. */
  setup(): Promise<string>;
  /** Thread counts to measure, known after setup (0 means "the library's own default"). */
  threadCounts(): readonly number[];
  /** Called before each workload is prepared: selects the backend, sets the thread count. */
  activate(threads: number): Promise<void>;
  /** C(M,N) = A(M,K)·B(K,N). */
  sgemm?(M: number, N: number, K: number): Preparation | Promise<Preparation>;
  /** y = conv(x, w) + b. */
  conv2dForward?(c: ConvCase): Preparation | Promise<Preparation>;
  /** y = conv(x, w) + b, then dx, dw and db from a given dy. */
  conv2dForwardBackward?(c: ConvCase): Preparation | Promise<Preparation>;
  /** y = maxpool(x), then dx from a given dy. */
  maxPoolForwardBackward?(p: PoolCase): Preparation | Promise<Preparation>;
  /**
   * One training step of the seed net (workloads.ts SEED_NET) on a fixed batch: forward,
   * softmax cross-entropy, backward, SGD update of every parameter. Each run is one more step.
   */
  trainNet?(n: NetCase): Preparation | Promise<Preparation>;
  /** The seed net's forward pass in evaluation mode, without a graph; the logits in JS memory. */
  inferNet?(n: NetCase): Preparation | Promise<Preparation>;
  /**
   * A preset trained as `fit` trains it (workloads.ts FitCase): each run takes the next batch
   * from the library's data loader and runs its training step with Adam.
   */
  fitStep?(f: FitCase): Preparation | Promise<Preparation>;
  /** Called once at the end: stops worker threads and the like. */
  teardown?(): void | Promise<void>;
}

/** Thrown by setup() when a contestant cannot run here; the message says why. */
export class Unavailable extends Error {
  override name = 'Unavailable';
}

/** A Float32Array of standard normal values from a fixed seed (same data for every run). */
export function randomFloat32(length: number, seed: number): Float32Array {
  return fillNormal(new Float32Array(length), seed);
}

/** N class labels in [0, classes) from a fixed seed. */
export function randomLabels(n: number, classes: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => rng.int(classes));
}

/** Labels as one-hot rows, (n, classes), for libraries whose loss takes them that way. */
export function oneHot(labels: Int32Array, classes: number): Float32Array {
  const rows = new Float32Array(labels.length * classes);
  labels.forEach((label, i) => (rows[i * classes + label] = 1));
  return rows;
}

/**
 * Initial weights for the peers' copies of the seed net: normal with standard deviation
 * sqrt(2 / fanIn) (He), so that activations keep their scale through the ReLUs. Weight values do
 * not change any library's speed; they only keep the repeated training steps finite.
 */
export function heWeights(length: number, fanIn: number, seed: number): Float32Array {
  const w = randomFloat32(length, seed);
  const std = Math.sqrt(2 / fanIn);
  for (let i = 0; i < w.length; i++) w[i] *= std;
  return w;
}

/** Fills `a` with standard normal values from `seed` and returns it. */
export function fillNormal(a: Float32Array, seed: number): Float32Array {
  const rng = new Rng(seed);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The installed version of an npm package: the package.json above its resolved entry point. */
export function packageVersion(name: string): string {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(name));
  } catch {
    return '?';
  }
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json at this level: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return '?';
    dir = parent;
  }
}
