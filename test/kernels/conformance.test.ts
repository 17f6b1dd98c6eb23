/**
 * Conformance from the registry: every kernel that the fast backend registers is run on its
 * op's case table (test/kernels/cases/<op>.cases.ts, found by reading that folder) in float32,
 * and compared with the reference run in float64 on the same float32-rounded inputs: every
 * array argument must agree to 1e-4 of its scale (or the case's own tolerance; bitwise, for
 * kernels marked exact; a case may wrap the fast run, to force a path), and the
 * result too. The same cases must give bitwise the same float32 results on 1, 2 and 3 threads
 * and on plain memory. Int32 arrays (top-k's indices) must agree exactly. A registered kernel
 * without a case fails the suite. Failures name the
 * kernel, the case, the argument, the max difference and the first bad index.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { compareArrays, formatComparison } from '../../src/check/compare.js';
import { referenceBackend, type KernelName } from '../../src/kernels/backend.js';
import { createWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import type { KernelCase } from './cases/case.js';

const RTOL = 1e-4;

interface CaseTable {
  file: string;
  cases: KernelCase[];
  random?: fc.Arbitrary<KernelCase[]>;
}

const casesDir = fileURLToPath(new URL('./cases/', import.meta.url));
const tables: CaseTable[] = await Promise.all(
  readdirSync(casesDir)
    .filter((file) => file.endsWith('.cases.ts'))
    .sort()
    .map(async (file) => ({
      file,
      ...((await import(`./cases/${file}`)) as Omit<CaseTable, 'file'>),
    })),
);

type Kernel = (...args: unknown[]) => unknown;

function kernelOf(table: Partial<Record<KernelName, unknown>>, name: KernelName): Kernel {
  const kernel = table[name];
  if (typeof kernel !== 'function') throw new Error(`${name} is not registered`);
  return kernel as Kernel;
}

/** Float64Array -> Float32Array (exact: case values are float32-rounded), through arrays. */
function toFloat32(value: unknown): unknown {
  if (value instanceof Float64Array) return Float32Array.from(value);
  if (Array.isArray(value)) return value.map(toFloat32);
  return value;
}

/** Pairs of (name, array) for every float array argument, through arrays. */
function floatArrays(
  args: readonly unknown[],
  prefix = 'argument ',
): [string, Float32Array | Float64Array][] {
  return args.flatMap((value, i): [string, Float32Array | Float64Array][] => {
    if (value instanceof Float32Array || value instanceof Float64Array)
      return [[`${prefix}${i}`, value]];
    if (Array.isArray(value)) return floatArrays(value, `${prefix}${i}.`);
    return [];
  });
}

/** Pairs of (name, array) for every int32 array argument (outputs such as top-k indices). */
function int32Arrays(args: readonly unknown[]): [string, Int32Array][] {
  return args.flatMap((value, i): [string, Int32Array][] =>
    value instanceof Int32Array ? [[`argument ${i}`, value]] : [],
  );
}

/** Runs a case on the fast kernel and on the reference; returns the fast float32 results. */
function checkCase(backend: WasmBackend, c: KernelCase): Float32Array[] {
  const fastArgs = c.args().map(toFloat32);
  const referenceArgs = c.exact === true ? c.args().map(toFloat32) : c.args();
  const fastKernel = kernelOf(backend.kernels, c.kernel);
  const run = () => fastKernel(...fastArgs);
  const got = c.around === undefined ? run() : c.around(run);
  const want = kernelOf(referenceBackend.kernels, c.kernel)(...referenceArgs);
  const where = `${backend.path.description}: ${c.kernel}, ${c.label}`;
  if (typeof want === 'number') {
    assert.equal(typeof got, 'number', `${where}: result`);
    const tolerance = c.exact === true ? 0 : 1e-6 * Math.abs(want);
    assert.ok(
      Math.abs((got as number) - want) <= tolerance,
      `${where}: result ${String(got)}, expected ${want}`,
    );
  }
  const referenceInts = int32Arrays(referenceArgs);
  for (const [k, [name, actual]] of int32Arrays(fastArgs).entries()) {
    const expected = referenceInts[k][1];
    const i = actual.findIndex((v, j) => v !== expected[j]);
    if (i >= 0)
      assert.fail(
        `${where}, ${name}: first difference at index ${i}: got ${actual[i]}, expected ${expected[i]}`,
      );
  }
  const fast = floatArrays(fastArgs);
  const reference = floatArrays(referenceArgs);
  for (const [k, [name, actual]] of fast.entries()) {
    const expected = reference[k][1];
    if (c.exact === true) {
      for (let i = 0; i < actual.length; i++) {
        if (!Object.is(actual[i], expected[i]))
          assert.fail(
            `${where}, ${name}: first difference at index ${i}: got ${actual[i]}, expected ${expected[i]}`,
          );
      }
      continue;
    }
    let scale = 0;
    for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const rtol = c.tolerance ?? RTOL;
    const comparison = compareArrays(actual, expected, {
      rtol,
      atol: rtol * scale,
      equalNaN: true,
    });
    assert.ok(comparison.ok, formatComparison(`${where}, ${name}`, comparison));
  }
  return fast.map(([, array]) => array as Float32Array);
}

const backends: WasmBackend[] = [];
let unavailable = '';

before(async () => {
  for (const [threads, sharedMemory] of [
    [1, true],
    [2, true],
    [3, true],
    [1, false], // the path of a page without cross-origin isolation: plain memory, one thread
  ] as const) {
    try {
      // Every call on every thread, small cases included: the threaded paths are what is checked.
      const backend = await createWasmBackend({ threads, sharedMemory, smallCalls: 'all-threads' });
      if (backend.path.backend === 'wasm') backends.push(backend);
      else unavailable = backend.path.description;
    } catch (error) {
      unavailable = String(error);
    }
  }
});

after(() => {
  for (const backend of backends) backend.dispose();
});

function skipWithoutBackend(t: { skip(reason: string): void }): boolean {
  if (backends.length > 0) return false;
  t.skip(`no fast backend could start here: ${unavailable}`);
  return true;
}

describe('fast backend conformance, from the registry', () => {
  it('every registered kernel has cases', (t) => {
    if (skipWithoutBackend(t)) return;
    const covered = new Set(tables.flatMap((table) => table.cases.map((c) => c.kernel)));
    const missing = Object.keys(backends[0].kernels).filter(
      (name) => !covered.has(name as KernelName),
    );
    assert.deepEqual(
      missing,
      [],
      `registered kernels without a case table in test/kernels/cases: ${missing.join(', ')}`,
    );
  });

  for (const table of tables) {
    describe(table.file, () => {
      for (const c of table.cases) {
        it(`${c.kernel}: ${c.label}`, (t) => {
          if (skipWithoutBackend(t)) return;
          if (backends[0].kernels[c.kernel] === undefined)
            return t.skip(`${c.kernel} is not registered`);
          const results = backends.map((backend) => checkCase(backend, c));
          for (const [i, result] of results.entries()) {
            for (const [k, array] of result.entries()) {
              assert.deepEqual(
                array,
                results[0][k],
                `${backends[i].path.description} differs from ${backends[0].path.description} in float array ${k}`,
              );
            }
          }
        });
      }
      const random = table.random;
      if (random !== undefined) {
        it('random geometries (fast-check)', (t) => {
          if (skipWithoutBackend(t)) return;
          fc.assert(
            fc.property(random, (cases) => {
              for (const c of cases)
                if (backends[0].kernels[c.kernel] !== undefined) checkCase(backends[0], c);
            }),
            { numRuns: 40, seed: 42 },
          );
        });
      }
    });
  }
});
