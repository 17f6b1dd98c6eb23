/**
 * The boxes of an architecture picture (architecture.ts), from a graph and its inferred shapes:
 * one box per graph input and per node, except the nodes that are folded into the box before
 * them. Nothing is computed on data: shapes come from Graph.shapes().
 *
 * Folding rule: a node whose op keeps the shape (an activation, Softmax, L2Normalize, Dropout,
 * BatchNorm2d: FOLDED_OPS) joins its input's box when that input is the box's last node, that
 * box is not a graph input, and nothing else takes that input (no other node, not an output).
 * The box then shows the last folded node's output, and its label lists the folded ops
 * ("Conv2d 3x3" over "+BatchNorm2d+ReLU"). Edges out of the box leave from that last node.
 *
 * A box is a volume when its output is (N,C,H,W) (rank 3 or more: C = axis 1, H = axis 2, W
 * the product of the rest) and a bar when it is flat, (N,D).
 */
import type { Graph } from '../nn/graph/graph.js';
import type { Shape } from '../tensor.js';

/** The ops that fold into the box before them (see the top of this file). */
export const FOLDED_OPS: ReadonlySet<string> = new Set([
  'ReLU',
  'LeakyReLU',
  'Sigmoid',
  'Tanh',
  'GELU',
  'SiLU',
  'Softmax',
  'L2Normalize',
  'Dropout',
  'BatchNorm2d',
]);

/** What a box's output is: C maps of H x W, or D values. */
export type BoxExtent =
  { kind: 'volume'; C: number; H: number; W: number } | { kind: 'bar'; D: number };

export interface ArchBox {
  /** Index in the box list (which is in a topological order). */
  id: number;
  /** The graph input's or first node's name. */
  name: string;
  /** The nodes this box draws, first to last (one name for an input). */
  nodes: string[];
  /** 'Input' for a graph input, else the first node's layer type. */
  op: string;
  /** The kernel or scale in short ('3x3', '2x2 s1', 'x2'), or ''. */
  detail: string;
  /** The ops folded into this box, in order. */
  folded: string[];
  /** The output shape of the box's last node, batch axis included. */
  shape: Shape;
  extent: BoxExtent;
  /** The boxes whose outputs this box takes, in the first node's input order, without repeats. */
  inputs: number[];
  /** Whether the last node is a graph output. */
  output: boolean;
}

export interface BoxOptions {
  /** Fold activations, dropout and batch norm into the box before them (default true). */
  fold?: boolean;
  /** The inputs' shapes, batch included; default one example of the shapes the graph gives. */
  inputShapes?: Readonly<Record<string, Shape>>;
}

/** `3` or `[3, 3]` as '3x3'; null for anything else. */
function pairText(value: unknown): string | null {
  if (typeof value === 'number') return `${value}x${value}`;
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return `${value[0]}x${value[1]}`;
  }
  return null;
}

function samePair(a: unknown, b: unknown): boolean {
  return pairText(a) === pairText(b);
}

/** A stride as ' s2' (or ' s2x1' when the axes differ). */
function strideText(value: unknown): string {
  const text = pairText(value);
  if (text === null) return '';
  const [h, w] = text.split('x');
  return h === w ? ` s${h}` : ` s${text}`;
}

/** The short detail of a node's config: kernel (and stride when not the usual), or scale. */
export function detailOf(op: string, config: Readonly<Record<string, unknown>>): string {
  const kernel = pairText(config.kernelSize);
  if (op === 'Conv2d' || op === 'ConvTranspose2d') {
    if (kernel === null) return '';
    return samePair(config.stride, 1) ? kernel : `${kernel}${strideText(config.stride)}`;
  }
  if (op === 'MaxPool2d' || op === 'AvgPool2d') {
    if (kernel === null) return '';
    const usual = config.stride === null || samePair(config.stride, config.kernelSize);
    return usual ? kernel : `${kernel}${strideText(config.stride)}`;
  }
  if (op === 'Upsample') {
    const mode = config.mode === 'bilinear' ? ' bilinear' : '';
    const scale = config.scaleFactor;
    if (typeof scale === 'number') return `x${scale}${mode}`;
    if (Array.isArray(scale) && scale.length === 2) {
      const [h, w] = scale.map(String);
      return `x${h === w ? h : `${h},${w}`}${mode}`;
    }
    const size = pairText(config.size);
    return size === null ? mode.trim() : `to ${size}${mode}`;
  }
  return '';
}

/** A shape (batch included) as what a box shows: C, H, W of a volume, or D of a bar. */
export function extentOf(shape: Shape): BoxExtent {
  if (shape.length >= 3) {
    const W = shape.slice(3).reduce((a, b) => a * b, 1);
    return { kind: 'volume', C: shape[1], H: shape[2], W };
  }
  return { kind: 'bar', D: shape.length === 2 ? shape[1] : (shape[0] ?? 1) };
}

/** The shape as a label: '32x28x28' (batch axis left out). */
export function shapeText(shape: Shape): string {
  return shape.length <= 1 ? String(shape[0] ?? 1) : shape.slice(1).join('x');
}

/** The boxes of a graph (see the top of this file). */
export function graphBoxes(
  graph: Graph,
  { fold = true, inputShapes = {} }: BoxOptions = {},
): ArchBox[] {
  const shapes = graph.shapes(inputShapes);
  const shapeOf = (name: string): Shape => {
    const shape = shapes.get(name);
    if (shape === undefined) throw new Error(`architecture: no shape for '${name}'`);
    return shape;
  };
  const uses = new Map<string, number>();
  for (const node of graph.nodes()) {
    for (const input of node.inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  for (const output of graph.outputs) uses.set(output, (uses.get(output) ?? 0) + 1);
  const outputs = new Set(graph.outputs);

  const boxes: ArchBox[] = [];
  /** The box that draws each input or node. */
  const boxOf = new Map<string, ArchBox>();
  for (const input of graph.inputs) {
    const shape = shapeOf(input.name);
    const box: ArchBox = {
      id: boxes.length,
      name: input.name,
      nodes: [input.name],
      op: 'Input',
      detail: '',
      folded: [],
      shape,
      extent: extentOf(shape),
      inputs: [],
      output: outputs.has(input.name),
    };
    boxes.push(box);
    boxOf.set(input.name, box);
  }
  const configs = new Map(graph.spec().nodes.map((node) => [node.name, node.config]));
  for (const node of graph.nodes()) {
    const shape = shapeOf(node.name);
    const before = node.inputs.length === 1 ? boxOf.get(node.inputs[0]) : undefined;
    if (
      fold &&
      FOLDED_OPS.has(node.op) &&
      before !== undefined &&
      before.op !== 'Input' &&
      before.nodes[before.nodes.length - 1] === node.inputs[0] &&
      uses.get(node.inputs[0]) === 1
    ) {
      before.nodes.push(node.name);
      before.folded.push(node.op);
      before.shape = shape;
      before.extent = extentOf(shape);
      before.output = outputs.has(node.name);
      boxOf.set(node.name, before);
      continue;
    }
    const inputs: number[] = [];
    for (const input of node.inputs) {
      const from = boxOf.get(input);
      if (from === undefined)
        throw new Error(`architecture: '${node.name}' takes unknown '${input}'`);
      if (!inputs.includes(from.id)) inputs.push(from.id);
    }
    const box: ArchBox = {
      id: boxes.length,
      name: node.name,
      nodes: [node.name],
      op: node.op,
      detail: detailOf(node.op, configs.get(node.name) ?? {}),
      folded: [],
      shape,
      extent: extentOf(shape),
      inputs,
      output: outputs.has(node.name),
    };
    boxes.push(box);
    boxOf.set(node.name, box);
  }
  return boxes;
}

/** Whether the boxes form one chain: one input, each box taking one and feeding at most one. */
export function isChain(boxes: readonly ArchBox[]): boolean {
  const fed = new Map<number, number>();
  for (const box of boxes) for (const i of box.inputs) fed.set(i, (fed.get(i) ?? 0) + 1);
  return (
    boxes.filter((b) => b.inputs.length === 0).length === 1 &&
    boxes.every((b) => b.inputs.length <= 1 && (fed.get(b.id) ?? 0) <= 1) &&
    boxes.filter((b) => b.output).length === 1
  );
}
