/**
 * A sum or mean over some axes seen as a broadcast over x's shape, so that the binary kernels
 * (assembly/binary.ts, machinery in assembly/lib/broadcast.ts) run it: x is an operand with its
 * own strides, y (the reduced output) one repeated along the reduced axes (ReduceGeometry's
 * outStrides), and a scalar one repeated everywhere. Reducing x into y is then the gradient of a
 * broadcast operand (summed over the axes it was repeated along, each output by one thread in a
 * fixed order), and repeating y back over x is a broadcast forward.
 */
import type { BroadcastGeometry } from '../../shape/broadcast.js';
import type { ReduceGeometry } from '../../shape/reduce.js';
import { stridesOf } from '../../shape/shape.js';
import { broadcastRecord } from './broadcast-record.js';

export type ReduceOperand = 'x' | 'y' | 'scalar';

function operandStrides(g: ReduceGeometry, operand: ReduceOperand): number[] {
  if (operand === 'x') return stridesOf(g.shape);
  if (operand === 'y') return g.outStrides;
  return g.shape.map(() => 0);
}

/** The binary kernels' record of x's shape with operands a and b. */
export function reduceRecord(g: ReduceGeometry, a: ReduceOperand, b: ReduceOperand): number[] {
  const geometry: BroadcastGeometry = {
    shape: g.shape,
    size: g.size,
    aStrides: operandStrides(g, a),
    bStrides: operandStrides(g, b),
  };
  return broadcastRecord(geometry);
}
