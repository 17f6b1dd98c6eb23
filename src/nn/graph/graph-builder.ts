/**
 * GraphBuilder: a graph in code, in the functional style of Keras: each call adds a node and
 * returns a value (its name and shape) for later nodes to take. Shapes are inferred at each
 * call, so a mistake is reported where it is made, naming the node.
 *
 *   const b = new GraphBuilder();
 *   const image = b.input('image', [1, 28, 28]);
 *   const c1 = b.layer('conv1', new Conv2d(1, 8, 3, { padding: 1 }), image);
 *   const r1 = b.layer('relu1', new ReLU(), c1);
 *   const c2 = b.layer('conv2', new Conv2d(8, 8, 3, { padding: 1 }), r1);
 *   const sum = b.layer('skip', new Add(), r1, c2);           // a residual join
 *   const head = b.sequential('head', new Sequential(new Flatten(), new Linear(8 * 28 * 28, 10)), sum);
 *   const model = b.build(head);                              // a Graph; model.spec() is its JSON
 *
 * graphFromSequential turns a Sequential (nested ones too) into the equivalent chain, node names
 * being the layers' dotted paths, so the state dict keeps its names.
 */
import { ShapeError } from '../../shape/shape-error.js';
import type { Shape } from '../../tensor.js';
import { MergeLayer } from '../merge-layer.js';
import type { Layer } from '../module.js';
import { Sequential } from '../sequential.js';
import { Graph } from './graph.js';
import {
  GRAPH_FORMAT,
  GRAPH_VERSION,
  parseGraphSpec,
  type GraphInputSpec,
  type GraphNodeSpec,
} from './graph-spec.js';
import { LAYER_TYPE_NAMES, LAYER_TYPES, layerTypeOf } from './layer-table.js';
import { rethrowAtNode } from './node-error.js';
import type { GraphLayer } from './layer-type.js';

/** A value in a graph being built: an input or a node's output, with its shape (batch 1). */
export interface GraphValue {
  readonly name: string;
  readonly shape: Shape;
}

export class GraphBuilder {
  private readonly inputSpecs: GraphInputSpec[] = [];
  private readonly nodeSpecs: GraphNodeSpec[] = [];
  private readonly layers: GraphLayer[] = [];
  private readonly values = new Map<string, GraphValue>();
  private readonly description: string | undefined;

  constructor({ description }: { description?: string } = {}) {
    this.description = description;
  }

  private checkFresh(name: string, what: string): void {
    if (this.values.has(name))
      throw new RangeError(`GraphBuilder: ${what}: '${name}' is already used`);
  }

  private checkOwn(value: GraphValue, node: string): void {
    if (this.values.get(value.name) !== value) {
      throw new RangeError(
        `GraphBuilder: node '${node}': input '${value.name}' is not a value of this builder`,
      );
    }
  }

  /** A graph input: one example's shape, (C,H,W) for images (the batch axis left out). */
  input(name: string, shape: readonly number[]): GraphValue {
    this.checkFresh(name, 'input');
    this.inputSpecs.push({ name, shape: [...shape] });
    const value = { name, shape: [1, ...shape] };
    this.values.set(name, value);
    return value;
  }

  /** Adds a node: the layer applied to the inputs (one for a Layer, two or more for a merge). */
  layer(name: string, layer: GraphLayer, ...inputs: GraphValue[]): GraphValue {
    this.checkFresh(name, 'node');
    const op = layerTypeOf(layer);
    if (op === null) {
      throw new TypeError(
        `GraphBuilder: node '${name}': ${layer.typeName} is not a layer type a graph can describe (known: ${LAYER_TYPE_NAMES.join(', ')}); build it from those`,
      );
    }
    if (this.layers.includes(layer)) {
      throw new RangeError(
        `GraphBuilder: node '${name}': this ${layer.typeName} is already node '${this.nodeSpecs[this.layers.indexOf(layer)].name}' (one layer, one node)`,
      );
    }
    for (const input of inputs) this.checkOwn(input, name);
    const shapes = inputs.map((v) => v.shape);
    let shape: Shape;
    try {
      if (layer instanceof MergeLayer) {
        shape = layer.outputShape(shapes);
      } else {
        if (inputs.length !== 1) throw new ShapeError(`takes 1 input, got ${inputs.length}`);
        shape = layer.outputShape(shapes[0]);
      }
    } catch (error) {
      return rethrowAtNode('GraphBuilder', { name, op }, error);
    }
    this.nodeSpecs.push({
      name,
      op,
      config: LAYER_TYPES[op].describe(layer),
      inputs: inputs.map((v) => v.name),
    });
    this.layers.push(layer);
    const value = { name, shape };
    this.values.set(name, value);
    return value;
  }

  /** Adds a Sequential's layers as a chain named `name.<child>` (nested ones opened up). */
  sequential(name: string, model: Sequential, input: GraphValue): GraphValue {
    let value = input;
    for (const [child, layer] of model.namedLayers()) {
      const path = `${name}.${child}`;
      value =
        layer instanceof Sequential
          ? this.sequential(path, layer, value)
          : this.layer(path, layer, value);
    }
    return value;
  }

  /** The graph of the nodes added, with these outputs; the layers are the ones given. */
  build(...outputs: GraphValue[]): Graph {
    for (const output of outputs) this.checkOwn(output, 'outputs');
    const spec = parseGraphSpec(
      {
        format: GRAPH_FORMAT,
        version: GRAPH_VERSION,
        ...(this.description === undefined ? {} : { description: this.description }),
        inputs: this.inputSpecs,
        nodes: this.nodeSpecs,
        outputs: outputs.map((v) => v.name),
      },
      'GraphBuilder',
    );
    return new Graph(spec, this.layers);
  }
}

/**
 * The graph of a Sequential (or of one layer): a chain from one input of the given shape (one
 * example, batch axis left out), each node named by its layer's dotted path ('features.0'), so
 * that the graph's state dict has the Sequential's names. The layers are shared, not copied.
 */
export function graphFromSequential(
  model: Layer,
  inputShape: readonly number[],
  { inputName = 'input', description }: { inputName?: string; description?: string } = {},
): Graph {
  const builder = new GraphBuilder({ description });
  const input = builder.input(inputName, inputShape);
  if (!(model instanceof Sequential)) return builder.build(builder.layer('layer', model, input));
  let value = input;
  for (const [name, layer] of model.namedLayers()) {
    value =
      layer instanceof Sequential
        ? builder.sequential(name, layer, value)
        : builder.layer(name, layer, value);
  }
  return builder.build(value);
}
