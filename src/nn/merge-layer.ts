/**
 * MergeLayer: a module of several tensors to one that can say its output shape from its input
 * shapes alone: the joins of a graph (a residual Add, a U-Net's Concat). Layer (one tensor in)
 * and MergeLayer are the two kinds of node a Graph holds (src/nn/graph/graph.ts).
 */
import type { Shape, Tensor } from '../tensor.js';
import { Module } from './module.js';

export abstract class MergeLayer extends Module<Tensor[], Tensor> {
  /** The output shape for these input shapes; a ShapeError for inputs the layer cannot join. */
  abstract outputShape(inputShapes: readonly Shape[]): Shape;
}
