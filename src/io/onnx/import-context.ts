/**
 * What an ONNX op converter sees and returns (import-ops.ts, import-patterns.ts), and the
 * helpers they share: an input computed from the model's input (dynamic) or a constant
 * (floats, scalar), with an error naming the node when it is the other kind.
 */
import type { Shape } from '../../tensor.js';
import type { LayerTypeName } from '../../nn/graph/layer-table.js';
import type { AttributeReader } from './onnx-attributes.js';
import type { OnnxNode } from './onnx-proto.js';
import type { StaticValue } from './import-static.js';

export interface DynamicValue {
  name: string;
  shape: Shape;
}

export interface Weight {
  dims: number[];
  data: Float32Array;
}

export type Conversion =
  | {
      kind: 'layer';
      op: LayerTypeName;
      config: Record<string, unknown>;
      inputs: DynamicValue[];
      /** Parameters and buffers by their name in the layer (weight, bias, runningMean, ...). */
      weights?: Record<string, Weight>;
      /** The node that writes the layer's output (the last of a pattern). */
      last: OnnxNode;
    }
  | { kind: 'alias'; value: DynamicValue; last: OnnxNode }
  | { kind: 'normalize'; input: DynamicValue; mean: number[]; std: number[]; last: OnnxNode };

/** What a converter sees of the graph being imported (import-onnx.ts implements it). */
export interface ImportNode {
  node: OnnxNode;
  attributes: AttributeReader;
  /** The default domain's opset version. */
  opset: number;
  dynamicOf(name: string): DynamicValue | undefined;
  staticOf(name: string): StaticValue | undefined;
  /** The one node that takes the value, or null (none, several, or a graph output). */
  soleConsumer(value: string): OnnxNode | null;
  /** Marks a later node as part of this one's pattern; returns its attributes' reader. */
  consume(node: OnnxNode): AttributeReader;
  isGraphInput(value: DynamicValue): boolean;
  fail(problem: string): never;
}

export type Converter = (n: ImportNode) => Conversion;

export const inputName = (node: OnnxNode, i: number): string => node.input?.[i] ?? '';
export const outputName = (node: OnnxNode): string => node.output?.[0] ?? '';

export function dynamic(n: ImportNode, i: number, rank?: number): DynamicValue {
  const name = inputName(n.node, i);
  const value = n.dynamicOf(name);
  if (value === undefined) {
    return n.fail(`input ${i} ('${name}') must be computed from the model's input, not a constant`);
  }
  if (rank !== undefined && value.shape.length !== rank) {
    n.fail(`input ${i} has rank ${value.shape.length}, expected ${rank}`);
  }
  return value;
}

export function floats(n: ImportNode, i: number, what: string): Weight {
  const value = n.staticOf(inputName(n.node, i));
  if (value === undefined || value.kind !== 'float') {
    return n.fail(`input ${i} (${what}) must be a float constant (an initializer or Constant)`);
  }
  return { dims: value.dims, data: value.data };
}

export const present = (n: ImportNode, i: number): boolean => inputName(n.node, i) !== '';

export function scalar(n: ImportNode, name: string): number | undefined {
  const value = n.staticOf(name);
  return value?.kind === 'float' && value.data.length === 1 ? value.data[0] : undefined;
}

/** The other input of a two-input node, given one. */
export function other(node: OnnxNode, one: string): string | undefined {
  const inputs = node.input ?? [];
  if (inputs.length !== 2) return undefined;
  return inputs[0] === one ? inputs[1] : inputs[1] === one ? inputs[0] : undefined;
}

export function only(n: ImportNode, outputs: number): void {
  const used = (n.node.output ?? []).filter((o) => o !== '');
  if (used.length > outputs) {
    n.fail(`has ${used.length} outputs; only the first is supported (inference form)`);
  }
}

/** [ph, pw] from ONNX pads [top, left, bottom, right], which must be symmetric. */
export function symmetricPads(n: ImportNode): [number, number] {
  const autoPad = n.attributes.stringOneOf('auto_pad', 'NOTSET', ['NOTSET', 'VALID']);
  const pads = n.attributes.ints('pads', [0, 0, 0, 0]);
  if (autoPad === 'VALID') return [0, 0];
  if (pads.length !== 4 || pads[0] !== pads[2] || pads[1] !== pads[3]) {
    n.fail(`pads [${pads}] are not supported (supported: 2-D, the same before and after)`);
  }
  return [pads[0], pads[1]];
}

export function pair(n: ImportNode, name: string, fallback: [number, number]): [number, number] {
  const values = n.attributes.ints(name, fallback);
  if (values.length !== 2) n.fail(`attribute ${name} [${values}] must have 2 values (2-D)`);
  return [values[0], values[1]];
}

export function layer(
  n: ImportNode,
  op: LayerTypeName,
  config: Record<string, unknown>,
  inputs: DynamicValue[],
  weights?: Record<string, Weight>,
  last: OnnxNode = n.node,
): Conversion {
  n.attributes.done();
  return { kind: 'layer', op, config, inputs, weights, last };
}
