/**
 * Feature maps: what every layer of a model outputs for one input.
 *
 * The model is opened up as summary() opens it (src/nn/summary.ts): a Graph becomes its nodes
 * (every node's output is kept as it runs), a Sequential its layers, depth first, named by
 * dotted path ('features.0', 'features.1', 'classifier.3'); any other layer is one step. The input runs through those layers one by one, in evaluation mode
 * (dropout off, batch norm's running statistics) and without recording a graph (noGrad), and
 * each layer's output is kept. The model's training mode is restored afterwards.
 *
 * The input's shape is checked first by shape inference (summary), so an image the model cannot
 * take fails before anything runs, with an error that names the layer:
 *
 *   captureFeatureMaps: the input (1,3,28,28) does not fit the model: layer features.0 (Conv2d):
 *   input has 3 channels, conv weight expects 1
 */
import { noGrad } from '../autograd.js';
import { Graph } from '../nn/graph/graph.js';
import { Layer } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { summary } from '../nn/summary.js';
import { ShapeError } from '../shape/shape-error.js';
import { formatShape, type Shape, type Tensor } from '../tensor.js';

/** One layer's output. */
export interface FeatureMap {
  /** Dotted name from the model ('features.0'); the type name for a model that is one layer. */
  name: string;
  /** The layer's class name ('Conv2d', 'ReLU', 'MaxPool2d', ...). */
  type: string;
  /** The output's shape, batch axis included: (1,C,H,W) for maps, (1,K) for vectors. */
  shape: Shape;
  /** The output itself (outside any graph). */
  output: Tensor;
}

/** The layers of a model in the order they run, with their dotted names (a graph's joins left out). */
export function namedLayerSequence(model: Layer): [name: string, layer: Layer][] {
  const result: [string, Layer][] = [];
  const visit = (layer: Layer, name: string): void => {
    if (layer instanceof Graph) {
      for (const node of layer.nodes()) {
        if (node.layer instanceof Layer)
          visit(node.layer, name === '' ? node.name : `${name}.${node.name}`);
      }
    } else if (layer instanceof Sequential) {
      for (const [childName, child] of layer.namedLayers()) {
        visit(child, name === '' ? childName : `${name}.${childName}`);
      }
    } else {
      result.push([name === '' ? layer.typeName : name, layer]);
    }
  };
  visit(model, '');
  return result;
}

/**
 * Runs `model` on one input (1,C,H,W) and returns every layer's output, in order. Throws a
 * ShapeError naming the first layer that cannot take the input (see the top of this file).
 */
export function captureFeatureMaps(model: Layer, input: Tensor): FeatureMap[] {
  if (input.rank !== 4 || input.shape[0] !== 1) {
    throw new ShapeError(
      `captureFeatureMaps: the input must be one image (1,C,H,W), got ${formatShape(input.shape)}`,
    );
  }
  try {
    summary(model, input.shape);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const reason = error.message.replace(/^summary: /, '');
    throw new ShapeError(
      `captureFeatureMaps: the input ${formatShape(input.shape)} does not fit the model: ${reason}`,
      { cause: error },
    );
  }
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const maps: FeatureMap[] = [];
      if (model instanceof Graph) {
        const values = model.run(input, { keep: 'all' });
        for (const node of model.nodes()) {
          const output = values.get(node.name);
          if (output !== undefined) {
            maps.push({ name: node.name, type: node.op, shape: output.shape, output });
          }
        }
        return maps;
      }
      let x = input;
      for (const [name, layer] of namedLayerSequence(model)) {
        x = layer.forward(x);
        maps.push({ name, type: layer.typeName, shape: x.shape, output: x });
      }
      return maps;
    });
  } finally {
    model.train(wasTraining);
  }
}
