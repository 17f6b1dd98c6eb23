/**
 * exportOnnx: a Graph (or a Sequential with an input shape) as an ONNX model, opset 17, IR
 * version 8, with a dynamic batch axis 'N'. The model computes the graph's evaluation form
 * (batch norm with its running statistics, no dropout). Parameters are initializers named by
 * their state-dict keys (features.0.weight); each of our nodes writes its output to a value of
 * its own name, and every graph output is a model output.
 *
 * The model file's input normalisation goes in front, so the model takes pixels in [0, 1]:
 *
 *   input -> Sub(mean) -> Div(std) -> the graph       mean, std: (1,C,1,1)
 *
 * and the class names go in the metadata as metadata_props 'class_names' (a JSON array).
 *
 * Example:
 *   const bytes = exportOnnx(model, { normalize: { mean: [0.1307], std: [0.3081] }, classNames });
 *   writeFileSync('model.onnx', bytes);   // runs in onnxruntime (node, python, C++, Triton)
 */
import { Graph } from '../../nn/graph/graph.js';
import { graphFromSequential } from '../../nn/graph/graph-builder.js';
import type { Layer } from '../../nn/module.js';
import type { Shape } from '../../tensor.js';
import { EXPORTERS } from './export-ops.js';
import { OnnxError } from './onnx-error.js';
import {
  ONNX_DTYPE,
  encodeOnnxModel,
  type OnnxDimension,
  type OnnxValueInfo,
} from './onnx-proto.js';
import { OnnxWriter } from './onnx-writer.js';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_BATCH_DIM = 'N';
export const CLASS_NAMES_KEY = 'class_names';

export interface OnnxNormalize {
  mean: readonly number[];
  std: readonly number[];
}

export interface ExportOnnxOptions {
  /** Per-channel (x - mean) / std, written in front of the graph. */
  normalize?: OnnxNormalize;
  /** Written as metadata_props 'class_names' (JSON). */
  classNames?: readonly string[];
  /**
   * One example's shape [C,H,W]: required for a model that is not a Graph; for a one-input
   * Graph, replaces its input's shape.
   */
  inputShape?: readonly number[];
}

const SOURCE = 'exportOnnx';

function fail(problem: string): never {
  throw new OnnxError(SOURCE, problem);
}

/** One value's type: float32, its dims; an axis that grows with the batch is 'N'. */
function valueInfo(name: string, one: Shape, two: Shape): OnnxValueInfo {
  const dim = one.map((d, i): OnnxDimension => {
    if (d === two[i]) return { dimValue: d };
    return i === 0 && d === 1 && two[i] === 2 ? { dimParam: ONNX_BATCH_DIM } : {};
  });
  return { name, type: { tensorType: { elemType: ONNX_DTYPE.FLOAT, shape: { dim } } } };
}

function checkNormalize({ mean, std }: OnnxNormalize, channels: number): void {
  if (mean.length !== channels || std.length !== channels) {
    fail(
      `normalize has ${mean.length} means and ${std.length} stds, the input has ${channels} channels`,
    );
  }
  if (![...mean, ...std].every(Number.isFinite) || std.some((s) => s === 0)) {
    fail('normalize needs finite means and finite, non-zero stds');
  }
}

function asGraph(model: Graph | Layer, inputShape: readonly number[] | undefined): Graph {
  if (model instanceof Graph) return model;
  if (inputShape === undefined) {
    fail(`a ${model.typeName} needs options.inputShape ([C,H,W]); a Graph knows its own`);
  }
  return graphFromSequential(model, inputShape);
}

export function exportOnnx(
  model: Graph | Layer,
  { normalize, classNames, inputShape }: ExportOnnxOptions = {},
): Uint8Array {
  const graph = asGraph(model, inputShape);
  if (inputShape !== undefined && graph.inputs.length !== 1) {
    fail(`options.inputShape needs a graph of one input, this one has ${graph.inputs.length}`);
  }
  const shapesAt = (batch: number): Map<string, Shape> =>
    graph.shapes(
      Object.fromEntries(graph.inputs.map((i) => [i.name, [batch, ...(inputShape ?? i.shape)]])),
    );
  const one = shapesAt(1);
  const two = shapesAt(2);
  const shapeOf = (shapes: Map<string, Shape>, name: string): Shape => {
    const shape = shapes.get(name);
    if (shape === undefined) throw new Error(`exportOnnx: internal error: no shape for '${name}'`);
    return shape;
  };
  const out = new OnnxWriter();
  const valueOf = new Map<string, string>(graph.inputs.map((i) => [i.name, i.name]));

  if (normalize !== undefined) {
    if (graph.inputs.length !== 1) {
      fail(`normalize needs a graph of one input, this one has ${graph.inputs.length}`);
    }
    const input = graph.inputs[0].name;
    const channels = shapeOf(one, input)[1];
    checkNormalize(normalize, channels);
    const dims = [1, channels, 1, 1];
    const centred = out.node(
      'Sub',
      [input, out.floats(`${input}/mean`, dims, normalize.mean)],
      `${input}/centred`,
    );
    valueOf.set(
      input,
      out.node(
        'Div',
        [centred, out.floats(`${input}/std`, dims, normalize.std)],
        `${input}/normalized`,
      ),
    );
  }

  for (const node of graph.nodes()) {
    const value = EXPORTERS[node.op]({
      name: node.name,
      layer: node.layer,
      inputs: node.inputs.map((name) => valueOf.get(name) ?? name),
      inputShapes: node.inputs.map((name) => shapeOf(one, name)),
      outputShape: shapeOf(one, node.name),
      out,
      fail: (problem) => fail(`node '${node.name}' (${node.op}): ${problem}`),
    });
    valueOf.set(node.name, value);
  }

  for (const output of graph.outputs) {
    const value = valueOf.get(output) ?? output;
    if (value !== output) out.node('Identity', [value], output);
  }

  const metadataProps =
    classNames === undefined ? [] : [{ key: CLASS_NAMES_KEY, value: JSON.stringify(classNames) }];
  return encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'convnet-ts',
    graph: {
      name: 'convnet-ts',
      node: out.nodes,
      initializer: out.initializers,
      input: graph.inputs.map((i) => valueInfo(i.name, shapeOf(one, i.name), shapeOf(two, i.name))),
      output: graph.outputs.map((o) => valueInfo(o, shapeOf(one, o), shapeOf(two, o))),
    },
    metadataProps,
  });
}
