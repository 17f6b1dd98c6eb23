/**
 * Softmax cross-entropy (PyTorch's F.cross_entropy) as an autograd op, with class weights, an
 * ignored label, and per-position labels for segmentation. Classes are on axis 1:
 *
 *   logits (N,K) with labels (N), or logits (N,K,d1,...) with labels (N,d1,...)
 *
 *   loss[n,s] = weight[y] * (logsumexp_k z[n,k,s] - z[n,y,s]),   y = labels[n,s]   (0 if ignored)
 *
 * reduction 'none' returns loss:(N,d1,...); 'sum' its sum; 'mean' (the default) the sum divided
 * by the total weight of the positions not ignored, sum of weight[y] (their count without
 * weights), exactly as PyTorch. If every position is ignored, the mean is 0/0 = NaN, as in
 * PyTorch. The backward is the cross-entropy kernel's: weight[y] * (softmax(z) - onehot(y)).
 */
import { record } from '../autograd.js';
import { getBackend, type Labels } from '../kernels/backend.js';
import { crossEntropyGeometry } from '../shape/cross-entropy.js';
import { ShapeError } from '../shape/shape-error.js';
import { Tensor, formatShape } from '../tensor.js';
import { gradFor } from './grad-buffer.js';
import { checkReduction, reduceLosses, type Reduction } from './loss-reduction.js';

export interface CrossEntropyOptions {
  /** weight:(K), one per class; constants (they must not require grad). Default: all 1. */
  weight?: Tensor | null;
  /** Positions with this label contribute nothing; default -100, as in PyTorch. */
  ignoreIndex?: number;
  /** Default 'mean'. */
  reduction?: Reduction;
}

export function crossEntropy(
  logits: Tensor,
  labels: Labels,
  { weight = null, ignoreIndex = -100, reduction = 'mean' }: CrossEntropyOptions = {},
): Tensor {
  checkReduction(reduction, 'crossEntropy');
  if (weight !== null && weight.rank !== 1) {
    throw new ShapeError(
      `crossEntropy: class weights must be 1-D (K), got shape ${formatShape(weight.shape)}`,
    );
  }
  if (weight?.requiresGrad === true) {
    throw new Error('crossEntropy: class weights are constants and must not require grad');
  }
  const g = crossEntropyGeometry(logits.shape, labels.length, weight === null ? null : weight.size);
  const classWeights = weight === null ? null : weight.clone().data;
  const losses = Tensor.empty([g.N, ...logits.shape.slice(2)], logits.dtype);
  const totalWeight = getBackend().crossEntropyForward(
    losses.data,
    logits.data,
    labels,
    classWeights,
    ignoreIndex,
    g,
  );
  // Copied after the forward has checked them, in case the caller reuses its label buffer.
  const savedLabels = Int32Array.from(labels);
  record('crossEntropy', losses, [logits], (dy) => [
    gradFor(logits, (d) =>
      getBackend().crossEntropyBackward(
        d,
        dy.data,
        logits.data,
        savedLabels,
        classWeights,
        ignoreIndex,
        g,
      ),
    ),
  ]);
  return reduceLosses(losses, reduction, totalWeight);
}
