/**
 * A proxy-based metric-learning loss: one learnable proxy per class, and softmax cross-entropy
 * over the scaled cosines between each embedding and every proxy. With margin 0 it is the
 * normalized softmax loss (Zhai & Wu 2019); with margin m > 0, ArcFace (Deng et al. 2019).
 *
 *   e = l2Normalize(x)              x:(B,D), the network's embeddings
 *   w = l2Normalize(proxies)        proxies:(P,D), one per class, trained with the network
 *   c = e w^T                       (B,P) cosines
 *   loss = crossEntropy(s * angularMargin(c, labels, m), labels)
 *
 * Everything but the margin is an existing op, so the gradients come from the autograd tape.
 */
import type { Labels } from '../../kernels/backend.js';
import { Module } from '../../nn/module.js';
import { crossEntropy, l2Normalize, matmul, mul, permute } from '../../ops/index.js';
import { Rng } from '../../rng.js';
import { ShapeError } from '../../shape/shape-error.js';
import { Tensor, formatShape, type DType } from '../../tensor.js';
import { angularMargin } from './angular-margin.js';

export interface ProxyLossOptions {
  /** ArcFace's additive angular margin m in radians; 0 gives normalized softmax. Default 0.2. */
  margin?: number;
  /** s, the scale of the cosines (an inverse temperature); default 16. */
  scale?: number;
  /** Seeds the proxies (standard normal); default 0. */
  seed?: number;
  dtype?: DType;
}

/**
 * Normalized-softmax / ArcFace loss with learnable proxies (see the top of this file).
 *
 * Args:
 *   classes: P, the number of classes (one proxy each); dim: D, the embedding size.
 *
 * Shape:
 *   forward(x:(B,D), labels:(B)) -> a scalar, the batch's mean loss.
 *
 * Parameters:
 *   proxies (P, D), standard normal; train them with the network's parameters.
 */
export class ProxyLoss extends Module<[x: Tensor, labels: Labels], Tensor> {
  readonly proxies: Tensor;
  readonly margin: number;
  readonly scale: number;

  constructor(
    classes: number,
    dim: number,
    { margin = 0.2, scale = 16, seed = 0, dtype = 'float32' }: ProxyLossOptions = {},
  ) {
    super();
    if (!Number.isSafeInteger(classes) || classes < 2)
      throw new RangeError(`ProxyLoss: classes must be an integer >= 2, got ${classes}`);
    if (!Number.isSafeInteger(dim) || dim < 1)
      throw new RangeError(`ProxyLoss: dim must be a positive integer, got ${dim}`);
    if (!(margin >= 0 && margin <= Math.PI / 2))
      throw new RangeError(`ProxyLoss: margin must be in [0, pi/2] radians, got ${margin}`);
    if (!(scale > 0 && Number.isFinite(scale)))
      throw new RangeError(`ProxyLoss: scale must be a positive number, got ${scale}`);
    this.margin = margin;
    this.scale = scale;
    this.proxies = this.registerParameter(
      'proxies',
      Tensor.randn([classes, dim], new Rng(seed), 1, dtype).requireGrad(),
    );
  }

  forward(x: Tensor, labels: Labels): Tensor {
    const [P, D] = this.proxies.shape;
    if (x.rank !== 2 || x.shape[1] !== D) {
      throw new ShapeError(
        `ProxyLoss: embeddings must be (B,${D}), got shape ${formatShape(x.shape)}`,
      );
    }
    for (const label of labels) {
      if (!(label >= 0 && label < P))
        throw new RangeError(`ProxyLoss: label ${label} is not in [0, ${P}) (${P} proxies)`);
    }
    const cos = matmul(l2Normalize(x), permute(l2Normalize(this.proxies), [1, 0]));
    const logits = this.margin > 0 ? angularMargin(cos, labels, this.margin) : cos;
    return crossEntropy(mul(logits, this.scale), labels);
  }
}
