/**
 * The geometry records the host writes into the kernels' memory as consecutive i32 fields. The
 * field order is defined here once; the AssemblyScript classes that read the records
 * (assembly/geometry.ts) must list the same fields in the same order, which
 * test/kernels/wasm/geometry-records.test.ts checks against that file.
 */
import type { Conv2dGeometry } from '../../shape/conv2d.js';
import type { Pool2dGeometry } from '../../shape/pool2d.js';
import type { Upsample2dGeometry } from '../../shape/upsample2d.js';

export const CONV2D_RECORD = [
  'N',
  'C',
  'H',
  'W',
  'F',
  'KH',
  'KW',
  'strideH',
  'strideW',
  'padH',
  'padW',
  'dilationH',
  'dilationW',
  'groups',
  'OH',
  'OW',
] as const satisfies readonly (keyof Conv2dGeometry)[];

export const POOL2D_RECORD = [
  'N',
  'C',
  'H',
  'W',
  'KH',
  'KW',
  'strideH',
  'strideW',
  'padH',
  'padW',
  'OH',
  'OW',
] as const satisfies readonly (keyof Pool2dGeometry)[];

/** Upsampling's sizes; its scales go to the kernels as per-axis tap tables instead. */
export const UPSAMPLE2D_RECORD = [
  'N',
  'C',
  'H',
  'W',
  'OH',
  'OW',
] as const satisfies readonly (keyof Upsample2dGeometry)[];

/** The record's values in its field order. */
export function recordValues<G>(fields: readonly (keyof G)[], geometry: G): number[] {
  return fields.map((field) => geometry[field] as number);
}
