/**
 * Graph: a model whose layers are joined by name, any DAG (residual adds, U-Net concat skips,
 * several heads), built from a graph description (graph-spec.ts) or in code (GraphBuilder), and
 * described back as the same JSON. Nodes run in the order the description lists them, which is
 * a topological order by the format's rules:
 *
 *   value(input)  = the tensor given for it
 *   value(node)   = node.layer(value(node.inputs[0]), value(node.inputs[1]), ...)
 *   outputs       = value(o) for each name in outputs
 *
 * A node's module is registered under its dotted name (`features.0` -> parameters
 * `features.0.weight`), so a graph made from a Sequential of Sequentials keeps its state dict,
 * and checkpoints and model files written before graphs existed still load.
 *
 * Example:
 *   const model = Graph.fromSpec(JSON.parse(readFileSync('my-net.json', 'utf8')), { seed: 1 });
 *   model.forward(x);                  // the one output of a one-input, one-output graph
 *   model.run(x, { keep: 'all' });     // every node's output, by name (feature maps)
 *   JSON.stringify(model.spec());      // the description, every default written out
 */
import { Rng } from '../../rng.js';
import { Tensor, formatShape, type DType, type Shape } from '../../tensor.js';
import { fusionAllowed, layerRun } from '../fuse.js';
import { MergeLayer } from '../merge-layer.js';
import { Layer, type AnyModule } from '../module.js';
import { ModuleDict } from '../module-dict.js';
import {
  GRAPH_FORMAT,
  GRAPH_VERSION,
  parseGraphSpec,
  type GraphInputSpec,
  type GraphSpec,
} from './graph-spec.js';
import { LAYER_TYPES, layerTypeOf, type LayerTypeName } from './layer-table.js';
import { rethrowAtNode } from './node-error.js';
import type { GraphLayer } from './layer-type.js';

/** One node of a built graph. */
export interface GraphNode {
  readonly name: string;
  readonly op: LayerTypeName;
  readonly inputs: readonly string[];
  readonly layer: GraphLayer;
}

export interface GraphFromSpecOptions {
  /** Seeds the initial weights (and dropout's masks); default 0. Ignored when rng is given. */
  seed?: number;
  /** Draws the initial weights; default new Rng(seed). */
  rng?: Rng;
  /** The parameters' dtype; default 'float32'. */
  dtype?: DType;
  /** Names the description in errors (a file path); default 'graph'. */
  source?: string;
}

export interface GraphRunOptions {
  /** 'outputs' (the default): the graph's outputs. 'all': every input's and node's value. */
  keep?: 'outputs' | 'all';
}

/** A tensor per input name, or the one tensor of a one-input graph. */
export type GraphInputs = Tensor | Readonly<Record<string, Tensor>>;

/** A value the node order guarantees is there (the format puts every input before its use). */
function valueOf<T>(values: ReadonlyMap<string, T>, name: string): T {
  const value = values.get(name);
  if (value === undefined) throw new Error(`Graph: internal error: '${name}' has no value yet`);
  return value;
}

export class Graph extends Layer {
  readonly inputs: readonly GraphInputSpec[];
  readonly outputs: readonly string[];
  private readonly graphNodes: readonly GraphNode[];
  private readonly graphDescription: string | undefined;

  /**
   * A graph of already built layers, one per node of the description, in its order (what
   * Graph.fromSpec and GraphBuilder call). Each layer must be of its node's type.
   */
  constructor(spec: GraphSpec, layers: readonly GraphLayer[]) {
    super();
    if (layers.length !== spec.nodes.length) {
      throw new RangeError(`Graph: ${spec.nodes.length} nodes but ${layers.length} layers`);
    }
    this.inputs = spec.inputs.map((i) => ({ name: i.name, shape: [...i.shape] }));
    this.outputs = [...spec.outputs];
    this.graphDescription = spec.description;
    this.graphNodes = spec.nodes.map((node, i) => {
      const layer = layers[i];
      if (layerTypeOf(layer) !== node.op) {
        throw new TypeError(`Graph: node '${node.name}' is a ${node.op}, got a ${layer.typeName}`);
      }
      this.place(node.name, layer);
      return { name: node.name, op: node.op, inputs: [...node.inputs], layer };
    });
  }

  /**
   * Builds a graph from its description (JSON data or a checked GraphSpec), layers in node
   * order with one initialisation stream, so the same description and seed give the same
   * weights. Dropout's masks get a stream of their own, drawn first from the seed when the
   * graph has dropout (so the masks do not depend on how many numbers initialisation used).
   */
  static fromSpec(
    value: unknown,
    { seed = 0, rng, dtype = 'float32', source = 'graph' }: GraphFromSpecOptions = {},
  ): Graph {
    const spec = parseGraphSpec(value, source);
    const weights = rng ?? new Rng(seed);
    const hasDropout = spec.nodes.some((node) => node.op === 'Dropout');
    const dropoutRng = hasDropout ? new Rng(weights.nextUint32()) : weights;
    const layers = spec.nodes.map((node) => {
      try {
        return LAYER_TYPES[node.op].build(node.config, { rng: weights, dropoutRng, dtype });
      } catch (error) {
        return rethrowAtNode('Graph', node, error);
      }
    });
    const graph = new Graph(spec, layers);
    graph.shapes();
    return graph;
  }

  /** The nodes, in order. */
  nodes(): readonly GraphNode[] {
    return this.graphNodes;
  }

  /** The node of a name. */
  node(name: string): GraphNode {
    const node = this.graphNodes.find((n) => n.name === name);
    if (node === undefined) throw new RangeError(`Graph: no node '${name}'`);
    return node;
  }

  /** The description of this graph: every config complete, every node's inputs named. */
  spec(): GraphSpec {
    return {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      ...(this.graphDescription === undefined ? {} : { description: this.graphDescription }),
      inputs: this.inputs.map((i) => ({ name: i.name, shape: [...i.shape] })),
      nodes: this.graphNodes.map((node) => ({
        name: node.name,
        op: node.op,
        config: LAYER_TYPES[node.op].describe(node.layer),
        inputs: [...node.inputs],
      })),
      outputs: [...this.outputs],
    };
  }

  private place(name: string, layer: GraphLayer): void {
    const parts = name.split('.');
    let parent: AnyModule = this;
    for (const part of parts.slice(0, -1)) {
      const existing = parent.namedChildren().find(([child]) => child === part)?.[1];
      if (existing !== undefined && !(existing instanceof ModuleDict)) {
        throw new RangeError(`Graph: node '${name}' nests under a layer`);
      }
      parent = existing ?? parent.registerModule(part, new ModuleDict());
    }
    parent.registerModule(parts[parts.length - 1], layer);
  }

  private inputValues(inputs: GraphInputs): Map<string, Tensor> {
    const values = new Map<string, Tensor>();
    if (inputs instanceof Tensor) {
      if (this.inputs.length !== 1) {
        throw new RangeError(
          `Graph: has ${this.inputs.length} inputs (${this.inputs.map((i) => i.name).join(', ')}): give a tensor for each by name`,
        );
      }
      values.set(this.inputs[0].name, inputs);
      return values;
    }
    for (const input of this.inputs) {
      const tensor = inputs[input.name];
      if (tensor === undefined) throw new RangeError(`Graph: input '${input.name}' is missing`);
      values.set(input.name, tensor);
    }
    const unknown = Object.keys(inputs).filter((key) => !values.has(key));
    if (unknown.length > 0) {
      throw new RangeError(`Graph: unknown input(s) ${unknown.join(', ')}`);
    }
    return values;
  }

  /**
   * Runs the graph. Returns the outputs by name, in order (keep: 'all': every input and node,
   * in order). A value is let go once the last node that takes it has run, unless kept.
   */
  run(inputs: GraphInputs, { keep = 'outputs' }: GraphRunOptions = {}): Map<string, Tensor> {
    const values = this.inputValues(inputs);
    const usesLeft = new Map<string, number>();
    for (const node of this.graphNodes) {
      for (const input of node.inputs) usesLeft.set(input, (usesLeft.get(input) ?? 0) + 1);
    }
    const outputs = new Set(this.outputs);
    const nodes = this.graphNodes;
    const fuse = keep !== 'all' && fusionAllowed(this);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const args = node.inputs.map((name) => valueOf(values, name));
      // A run of layers as one call (fuse.ts) goes from this node to its last, which names its
      // output; none where every node's output is kept.
      const at = (k: number) => this.chainLayer(i, k, usesLeft, outputs);
      const run = keep === 'all' ? null : layerRun(at, fuse);
      const span = run?.length ?? 1;
      let y: Tensor;
      try {
        if (run !== null) {
          y = run.run(args[0]);
        } else {
          y =
            node.layer instanceof MergeLayer
              ? node.layer.forward(...args)
              : node.layer.forward(args[0]);
        }
      } catch (error) {
        return rethrowAtNode('Graph', node, error);
      }
      values.set(nodes[i + span - 1].name, y);
      i += span - 1;
      if (keep === 'all') continue;
      for (const input of node.inputs) {
        const left = (usesLeft.get(input) ?? 1) - 1;
        usesLeft.set(input, left);
        if (left === 0 && !outputs.has(input)) values.delete(input);
      }
    }
    if (keep === 'all') return values;
    return new Map(this.outputs.map((name) => [name, valueOf(values, name)]));
  }

  /**
   * Layer k of a chain from node i that fusion may run as one (fuse.ts): node i + k, when it
   * takes node i + k - 1's output alone and nothing else reads that output; else undefined.
   */
  private chainLayer(
    i: number,
    k: number,
    uses: ReadonlyMap<string, number>,
    outputs: ReadonlySet<string>,
  ): GraphLayer | undefined {
    const node = this.graphNodes[i + k];
    if (node === undefined || k === 0) return node?.layer;
    const before = this.graphNodes[i + k - 1].name;
    const alone = node.inputs.length === 1 && node.inputs[0] === before;
    return alone && uses.get(before) === 1 && !outputs.has(before) ? node.layer : undefined;
  }

  /** The output of a one-input, one-output graph; for several, use run(). */
  forward(x: Tensor): Tensor {
    if (this.outputs.length !== 1) {
      throw new RangeError(
        `Graph: has ${this.outputs.length} outputs (${this.outputs.join(', ')}): use run() to get them all`,
      );
    }
    const [y] = this.run(x).values();
    return y;
  }

  /**
   * Every input's and node's shape, batch axis included, from shape inference alone; an input
   * the graph cannot take is a ShapeError naming the node. The inputs' shapes default to one
   * example of the shapes the description gives.
   */
  shapes(inputShapes: Readonly<Record<string, Shape>> = {}): Map<string, Shape> {
    const shapes = new Map<string, Shape>();
    for (const input of this.inputs) {
      shapes.set(input.name, [...(inputShapes[input.name] ?? [1, ...input.shape])]);
    }
    for (const node of this.graphNodes) {
      const args = node.inputs.map((name) => valueOf(shapes, name));
      try {
        shapes.set(
          node.name,
          node.layer instanceof MergeLayer
            ? node.layer.outputShape(args)
            : node.layer.outputShape(args[0]),
        );
      } catch (error) {
        return rethrowAtNode('Graph', node, error);
      }
    }
    return shapes;
  }

  /** The output shape of a one-input, one-output graph for an input shape (batch included). */
  outputShape(inputShape: Shape): Shape {
    if (this.inputs.length !== 1 || this.outputs.length !== 1) {
      throw new RangeError('Graph: outputShape needs one input and one output; use shapes()');
    }
    const shapes = this.shapes({ [this.inputs[0].name]: inputShape });
    return valueOf(shapes, this.outputs[0]);
  }

  protected override extraRepr(): string {
    const inputs = this.inputs.map((i) => `${i.name}: ${formatShape(i.shape)}`).join(', ');
    return `inputs=[${inputs}], outputs=[${this.outputs.join(', ')}]`;
  }
}
