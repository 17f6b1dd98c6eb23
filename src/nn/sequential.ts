/**
 * Sequential (PyTorch's nn.Sequential): layers applied one after another,
 *
 *   y = layer_k( ... layer_1(layer_0(x)) )
 *
 * and the output shape is folded the same way through each layer's outputShape. Children are
 * numbered '0', '1', ... (or named, with Sequential.named), so parameter names read
 * `0.weight`, `features.3.bias`. A Sequential is itself a Layer, so Sequentials nest.
 *
 * In evaluation mode without gradients, a Conv2d, ReLU [, MaxPool2d] run of children is one
 * fused kernel (fuse.ts); the children are unchanged, and calling them one by one gives the
 * same values.
 */
import type { Shape, Tensor } from '../tensor.js';
import { fusionAllowed, layerRun } from './fuse.js';
import { Layer } from './module.js';

/**
 * A chain of layers.
 *
 * Args:
 *   layers: the layers, in order; children '0', '1', ...
 *
 * Shape:
 *   input: what the first layer takes -> output: what the last layer gives. An empty
 *   Sequential is the identity.
 *
 * Example:
 *   const model = new Sequential(
 *     new Conv2d(1, 8, 3, { padding: 1 }),
 *     new ReLU(),
 *     new MaxPool2d(2),
 *     new Flatten(),
 *     new Linear(8 * 14 * 14, 10),
 *   );
 *   model.forward(x);          // (N,1,28,28) -> (N,10)
 *   model.at(0);               // the Conv2d; model.at(-1) is the Linear
 *   for (const layer of model) console.log(layer.typeName);
 *
 *   const named = Sequential.named({ features: new Sequential(...), classifier: new Sequential(...) });
 */
export class Sequential extends Layer implements Iterable<Layer> {
  private readonly layers: Layer[] = [];
  private readonly names: string[] = [];

  constructor(...layers: Layer[]) {
    super();
    for (const layer of layers) this.append(layer);
  }

  /**
   * A Sequential whose children have the given names, in the object's key order (JavaScript
   * puts integer-like keys such as '0' first; use add() for full control of the order).
   */
  static named(layers: Readonly<Record<string, Layer>>): Sequential {
    const sequential = new Sequential();
    for (const [name, layer] of Object.entries(layers)) sequential.add(name, layer);
    return sequential;
  }

  /** Adds a layer at the end under the given name. Returns this. */
  add(name: string, layer: Layer): this {
    this.registerModule(name, layer);
    this.layers.push(layer);
    this.names.push(name);
    return this;
  }

  /** Adds a layer at the end, named by its position ('0', '1', ...). Returns this. */
  append(layer: Layer): this {
    return this.add(String(this.layers.length), layer);
  }

  get length(): number {
    return this.layers.length;
  }

  /** The layer at a position; negative positions count from the end (-1 is the last). */
  at(index: number): Layer {
    const i = index < 0 ? index + this.layers.length : index;
    if (!Number.isInteger(index) || i < 0 || i >= this.layers.length) {
      throw new RangeError(
        `Sequential.at: index ${index} is out of range for ${this.layers.length} layers`,
      );
    }
    return this.layers[i];
  }

  /** The layers with their names, in order. */
  namedLayers(): [name: string, layer: Layer][] {
    return this.layers.map((layer, i) => [this.names[i], layer]);
  }

  [Symbol.iterator](): Iterator<Layer> {
    return this.layers[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    let y = x;
    const layers = this.layers;
    const fuse = fusionAllowed(this);
    for (let i = 0; i < layers.length; i++) {
      const run = layerRun((k) => layers[i + k], fuse);
      if (run === null) {
        y = layers[i].forward(y);
      } else {
        y = run.run(y);
        i += run.length - 1;
      }
    }
    return y;
  }

  outputShape(inputShape: Shape): Shape {
    let shape = inputShape;
    for (const layer of this.layers) shape = layer.outputShape(shape);
    return [...shape];
  }
}
