/**
 * Graphs the ONNX tests export, run in ONNX Runtime and import back: every preset, a U-Net-like
 * graph (residual add, concat skip, transposed convolution, nearest and bilinear upsampling,
 * batch norm, two outputs) and a graph with every other layer type. Weights are seeded, and
 * batch norm statistics and biases are drawn away from their initial values so that each
 * mapping is tested with numbers that show a mistake.
 */
import { Graph } from '../../../src/nn/graph/graph.js';
import { graphFromSequential } from '../../../src/nn/graph/graph-builder.js';
import { fashionNet, lenet5, seedNet } from '../../../src/nn/presets.js';
import { Rng } from '../../../src/rng.js';

/** Draws every bias and batch-norm statistic (they start at 0/1) from a seeded stream. */
export function perturb(graph: Graph, seed: number): Graph {
  const rng = new Rng(seed);
  for (const [name, t] of [...graph.namedParameters(), ...graph.namedBuffers()]) {
    const d = t.data;
    if (name.endsWith('runningVar'))
      for (let i = 0; i < d.length; i++) d[i] = 0.5 + 1.5 * rng.next();
    else if (name.endsWith('numBatchesTracked')) continue;
    else if (name.endsWith('runningMean') || name.endsWith('bias')) {
      for (let i = 0; i < d.length; i++) d[i] = rng.next() - 0.5;
    } else if (/^(features|enc|bn)/.test(name) && d.length <= 64 && name.endsWith('weight')) {
      for (let i = 0; i < d.length; i++) d[i] = 0.5 + rng.next();
    }
  }
  return graph;
}

const UNET = {
  format: 'convnet-ts-graph',
  version: 1,
  inputs: [{ name: 'image', shape: [3, 16, 16] }],
  nodes: [
    {
      name: 'enc1.conv',
      op: 'Conv2d',
      config: { inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1 },
    },
    { name: 'enc1.bn', op: 'BatchNorm2d', config: { numFeatures: 8 } },
    { name: 'enc1.relu', op: 'ReLU' },
    { name: 'down', op: 'MaxPool2d', config: { kernelSize: 2 } },
    {
      name: 'enc2.conv',
      op: 'Conv2d',
      config: { inChannels: 8, outChannels: 16, kernelSize: 3, padding: 1 },
    },
    { name: 'enc2.relu', op: 'ReLU' },
    {
      name: 'res.conv',
      op: 'Conv2d',
      config: { inChannels: 16, outChannels: 16, kernelSize: 3, padding: 1 },
    },
    { name: 'res.add', op: 'Add', inputs: ['enc2.relu', 'res.conv'] },
    {
      name: 'up',
      op: 'ConvTranspose2d',
      config: { inChannels: 16, outChannels: 8, kernelSize: 2, stride: 2 },
    },
    {
      name: 'side.up',
      op: 'Upsample',
      config: { scaleFactor: 2, mode: 'nearest' },
      inputs: ['res.add'],
    },
    { name: 'side.conv', op: 'Conv2d', config: { inChannels: 16, outChannels: 8, kernelSize: 1 } },
    { name: 'skip', op: 'Concat', inputs: ['enc1.relu', 'up', 'side.conv'] },
    { name: 'head', op: 'Conv2d', config: { inChannels: 24, outChannels: 4, kernelSize: 1 } },
    { name: 'aux', op: 'Upsample', config: { size: [32, 32], mode: 'bilinear' }, inputs: ['head'] },
  ],
  outputs: ['head', 'aux'],
};

const EVERY_LAYER = {
  format: 'convnet-ts-graph',
  version: 1,
  inputs: [{ name: 'x', shape: [2, 12, 12] }],
  nodes: [
    {
      name: 'c1',
      op: 'Conv2d',
      config: { inChannels: 2, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, groups: 2 },
    },
    {
      name: 'c2',
      op: 'Conv2d',
      config: {
        inChannels: 4,
        outChannels: 4,
        kernelSize: 3,
        padding: 2,
        dilation: 2,
        bias: false,
      },
    },
    { name: 'lrelu', op: 'LeakyReLU', config: { negativeSlope: 0.2 } },
    {
      name: 'avg',
      op: 'AvgPool2d',
      config: { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false },
    },
    { name: 'avg2', op: 'AvgPool2d', config: { kernelSize: 3, stride: 2, padding: 1 } },
    { name: 'gelu', op: 'GELU' },
    {
      name: 'up',
      op: 'Upsample',
      config: { scaleFactor: 2, mode: 'bilinear', alignCorners: true },
    },
    { name: 'silu', op: 'SiLU' },
    { name: 'tanh', op: 'Tanh', inputs: ['up'] },
    { name: 'sig', op: 'Sigmoid', inputs: ['up'] },
    { name: 'sum3', op: 'Add', inputs: ['silu', 'tanh', 'sig'] },
    { name: 'adapt', op: 'AdaptiveAvgPool2d', config: { outputSize: 3 } },
    {
      name: 'ct',
      op: 'ConvTranspose2d',
      config: {
        inChannels: 4,
        outChannels: 6,
        kernelSize: 3,
        stride: 2,
        padding: 1,
        outputPadding: 1,
        groups: 2,
      },
    },
    { name: 'max', op: 'MaxPool2d', config: { kernelSize: 3, stride: 2, padding: 1 } },
    { name: 'gap', op: 'GlobalAvgPool2d' },
    { name: 'flat', op: 'Flatten' },
    { name: 'drop', op: 'Dropout', config: { p: 0.3 } },
    { name: 'fc', op: 'Linear', config: { inFeatures: 6, outFeatures: 5 } },
    { name: 'probs', op: 'Softmax', config: { axis: 1 } },
    { name: 'embedding', op: 'L2Normalize', inputs: ['fc'] },
    { name: 'one', op: 'AdaptiveAvgPool2d', config: { outputSize: 1 }, inputs: ['ct'] },
    { name: 'rows', op: 'Flatten', config: { startDim: 2 }, inputs: ['ct'] },
    { name: 'wide', op: 'Upsample', config: { scaleFactor: [2, 3] }, inputs: ['adapt'] },
    { name: 'drop2', op: 'Dropout', inputs: ['wide'] },
  ],
  outputs: ['probs', 'embedding', 'one', 'rows', 'drop2'],
};

export interface TestGraph {
  name: string;
  graph: Graph;
}

/** Every preset as a graph (28x28 grayscale), plus the two graphs above; all in eval mode. */
export function testGraphs(): TestGraph[] {
  const presets: [string, Graph][] = [
    ['seed-net', graphFromSequential(seedNet({ seed: 1 }), [1, 28, 28])],
    ['lenet5', graphFromSequential(lenet5({ seed: 2 }), [1, 28, 28])],
    [
      'lenet5 tanh avg',
      graphFromSequential(lenet5({ seed: 3, activation: 'tanh', pooling: 'avg' }), [1, 28, 28]),
    ],
    ['fashion-net', graphFromSequential(fashionNet({ seed: 4 }), [1, 28, 28])],
  ];
  return [
    ...presets.map(([name, graph], i) => ({ name, graph: perturb(graph, 10 + i).eval() })),
    { name: 'u-net-like', graph: perturb(Graph.fromSpec(UNET, { seed: 5 }), 20).eval() },
    { name: 'every layer', graph: perturb(Graph.fromSpec(EVERY_LAYER, { seed: 6 }), 21).eval() },
  ];
}
