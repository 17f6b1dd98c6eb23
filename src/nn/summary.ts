/**
 * summary(model, inputShape): a table like Keras' model.summary(), from shape inference alone.
 * Nothing is computed on data: each layer's outputShape (which calls the geometry functions of
 * src/shape/) maps its input shape to its output shape, folded through Sequentials.
 *
 * Rows: one per layer, depth first; a Sequential is opened up into its layers, and any other
 * layer (a built-in, or a custom Layer with its own children) is one row with all its
 * parameters. Parameter counts are parameters only: buffers such as batch norm's running
 * statistics are state, not parameters (Keras counts them as non-trainable; PyTorch does not).
 * The totals count a tensor shared by several layers once.
 *
 * A shape the model cannot take is reported at the layer where it fails, by its dotted name:
 *
 *   summary: layer features.3 (Conv2d): input has 16 channels, conv weight expects 32
 */
import { ShapeError } from '../shape/shape-error.js';
import { formatShape, type Shape } from '../tensor.js';
import { Graph } from './graph/graph.js';
import type { Layer } from './module.js';
import { Sequential } from './sequential.js';

export interface SummaryRow {
  /** Dotted name from the model ('features.0'); '' for a model that is a single layer. */
  name: string;
  /** The layer's class name. */
  type: string;
  outputShape: Shape;
  /** Elements in the layer's parameters (including its children's). */
  parameters: number;
  /** Those of them that require grad. */
  trainableParameters: number;
  /** For a graph's node: the names of the values it takes. */
  inputs?: string[];
}

export interface ModelSummary {
  inputShape: Shape;
  outputShape: Shape;
  rows: SummaryRow[];
  /** Elements in the model's parameters, each tensor counted once. */
  totalParameters: number;
  trainableParameters: number;
  nonTrainableParameters: number;
  /** The formatted table, ready to print. */
  table: string;
}

function countParameters(layer: {
  parameters(): readonly { size: number; requiresGrad: boolean }[];
}): {
  total: number;
  trainable: number;
} {
  let total = 0;
  let trainable = 0;
  for (const p of layer.parameters()) {
    total += p.size;
    if (p.requiresGrad) trainable += p.size;
  }
  return { total, trainable };
}

/** "conv2d: input has 16 channels" -> "input has 16 channels": the row already names the layer. */
function withoutOpPrefix(message: string): string {
  return message.replace(/^[A-Za-z][A-Za-z0-9]*: /, '');
}

/** A graph's rows, one per node with the names it takes, and its (first) output's shape. */
function traceGraph(graph: Graph, name: string, inputShape: Shape, rows: SummaryRow[]): Shape {
  let shapes: Map<string, Shape>;
  try {
    shapes = graph.shapes(graph.inputs.length === 1 ? { [graph.inputs[0].name]: inputShape } : {});
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const message = `summary: ${error.message.replace(/^Graph: /, '')}`;
    const ErrorType = error instanceof ShapeError ? ShapeError : Error;
    throw new ErrorType(message, { cause: error });
  }
  for (const node of graph.nodes()) {
    const { total, trainable } = countParameters(node.layer);
    rows.push({
      name: name === '' ? node.name : `${name}.${node.name}`,
      type: node.op,
      outputShape: shapes.get(node.name) ?? [],
      parameters: total,
      trainableParameters: trainable,
      inputs: [...node.inputs],
    });
  }
  return shapes.get(graph.outputs[0]) ?? [];
}

/** The rows of one layer (several for a Sequential or a Graph), and its output shape. */
function traceLayer(layer: Layer, name: string, inputShape: Shape, rows: SummaryRow[]): Shape {
  if (layer instanceof Graph) return traceGraph(layer, name, inputShape, rows);
  if (layer instanceof Sequential) {
    let shape = inputShape;
    for (const [childName, child] of layer.namedLayers()) {
      shape = traceLayer(child, name === '' ? childName : `${name}.${childName}`, shape, rows);
    }
    return shape;
  }
  let outputShape: Shape;
  try {
    outputShape = layer.outputShape(inputShape);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const where = name === '' ? layer.typeName : `${name} (${layer.typeName})`;
    const message = `summary: layer ${where}: ${withoutOpPrefix(error.message)}`;
    const ErrorType = error instanceof ShapeError ? ShapeError : Error;
    throw new ErrorType(message, { cause: error });
  }
  const { total, trainable } = countParameters(layer);
  rows.push({
    name,
    type: layer.typeName,
    outputShape,
    parameters: total,
    trainableParameters: trainable,
  });
  return outputShape;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatTable(
  inputShape: Shape,
  rows: readonly SummaryRow[],
  totals: { total: number; trainable: number },
): string {
  // A graph that is not a chain gets a column of each node's inputs, as Keras prints one.
  const chain = rows.every(
    (r, i) =>
      r.inputs === undefined ||
      (r.inputs.length === 1 && (i === 0 || r.inputs[0] === rows[i - 1].name)),
  );
  const header = ['Layer (type)', 'Output shape', 'Param #', ...(chain ? [] : ['Connected to'])];
  const body = [
    ['input', formatShape(inputShape), '', ...(chain ? [] : [''])],
    ...rows.map((r) => [
      r.name === '' ? r.type : `${r.name} (${r.type})`,
      formatShape(r.outputShape),
      formatCount(r.parameters),
      ...(chain ? [] : [(r.inputs ?? []).join(', ')]),
    ]),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells: readonly string[]) =>
    [
      cells[0].padEnd(widths[0]),
      cells[1].padEnd(widths[1]),
      cells[2].padStart(widths[2]),
      ...cells.slice(3),
    ]
      .join('   ')
      .trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  return [
    line(header),
    '='.repeat(width),
    ...body.map(line),
    '='.repeat(width),
    `Total params: ${formatCount(totals.total)}`,
    `Trainable params: ${formatCount(totals.trainable)}`,
    `Non-trainable params: ${formatCount(totals.total - totals.trainable)}`,
  ].join('\n');
}

/**
 * The layer-by-layer output shapes and parameter counts of a model for an input of the given
 * shape (batch axis included, e.g. [1, 1, 28, 28]).
 *
 * ```ts
 * const s = summary(seedNet(), [1, 1, 28, 28]);
 * console.log(s.table);
 * s.rows[0]; // { name: 'features.0', type: 'Conv2d', outputShape: [1, 32, 28, 28], parameters: 320, ... }
 * s.totalParameters; // 421642
 * ```
 */
export function summary(model: Layer, inputShape: Shape): ModelSummary {
  const rows: SummaryRow[] = [];
  const outputShape = traceLayer(model, '', [...inputShape], rows);
  const totals = countParameters(model);
  return {
    inputShape: [...inputShape],
    outputShape,
    rows,
    totalParameters: totals.total,
    trainableParameters: totals.trainable,
    nonTrainableParameters: totals.total - totals.trainable,
    table: formatTable(inputShape, rows, totals),
  };
}
