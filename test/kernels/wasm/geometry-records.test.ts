/**
 * The geometry records' field order is defined once on the host (geometry-records.ts); the
 * AssemblyScript classes that read them must list the same fields in the same order.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CONV2D_RECORD,
  POOL2D_RECORD,
  UPSAMPLE2D_RECORD,
} from '../../../src/kernels/wasm/geometry-records.js';

const source = readFileSync(
  new URL('../../../src/kernels/wasm/assembly/lib/geometry.ts', import.meta.url),
  'utf8',
);

/** The i32 fields of `class name { ... }` in the AssemblyScript source, in order. */
function fieldsOf(name: string): string[] {
  const body = new RegExp(`class ${name} \\{([^}]*)\\}`).exec(source);
  assert.ok(body !== null, `assembly/lib/geometry.ts has no class ${name}`);
  return [...body[1].matchAll(/^\s*(\w+): i32;/gm)].map((m) => m[1]);
}

describe('geometry records', () => {
  it('conv2d: the host and the kernels agree on the field order', () => {
    assert.deepEqual(fieldsOf('ConvGeometry'), [...CONV2D_RECORD]);
  });

  it('pooling: the host and the kernels agree on the field order', () => {
    assert.deepEqual(fieldsOf('PoolGeometry'), [...POOL2D_RECORD]);
  });

  it('upsampling: the host and the kernels agree on the field order', () => {
    assert.deepEqual(fieldsOf('UpsampleGeometry'), [...UPSAMPLE2D_RECORD]);
  });
});
