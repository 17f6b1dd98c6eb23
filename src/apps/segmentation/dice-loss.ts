/**
 * Soft Dice loss (Milletari et al. 2016, V-Net) over softmax probabilities, for (N,K,H,W) logits
 * and per-pixel labels, built from existing differentiable ops (softmax, mul, sum, add, div,
 * mean), so autograd gives its gradient:
 *
 *   p = softmax(z, axis 1)          g = onehot(labels)          m = 1 where the label is not ignored
 *   I_k = sum_{n,h,w} m p_k g_k     S_k = sum_{n,h,w} m p_k + sum_{n,h,w} m g_k
 *   dice_k = (2 I_k + smooth) / (S_k + smooth)
 *   loss = 1 - mean_k dice_k
 *
 * The sums run over the whole batch (one Dice per class, not per image). smooth (default 1)
 * keeps a class absent from both prediction and labels at dice 1 rather than 0/0.
 *
 * segmentationLoss combines it with per-pixel cross-entropy: 'ce', 'dice' or 'ce+dice' (their
 * sum, the usual mix for segmentation).
 */
import { add, crossEntropy, div, mean, mul, softmax, sub, sum } from '../../ops/index.js';
import { formatShape, Tensor } from '../../tensor.js';
import { IGNORE_INDEX } from './segmentation-set.js';

export interface DiceLossOptions {
  /** Labels with this value count for nothing; default IGNORE_INDEX (255). */
  ignoreIndex?: number;
  /** Added to numerator and denominator; default 1. */
  smooth?: number;
}

/** One-hot labels (N,K,H,W) and the mask (N,1,H,W) of pixels not ignored, as constants. */
function targets(
  shape: readonly number[],
  labels: ArrayLike<number>,
  ignoreIndex: number,
  dtype: Tensor['dtype'],
): { onehot: Tensor; valid: Tensor } {
  const [N, K, H, W] = shape;
  const onehot = Tensor.zeros([N, K, H, W], dtype);
  const valid = Tensor.zeros([N, 1, H, W], dtype);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < H * W; p++) {
      const y = labels[n * H * W + p];
      if (y === ignoreIndex) continue;
      if (!(Number.isInteger(y) && y >= 0 && y < K)) {
        throw new RangeError(
          `diceLoss: label ${y} at image ${n}, pixel ${p} is outside [0, ${K}) (and not the ignore index ${ignoreIndex})`,
        );
      }
      onehot.data[(n * K + y) * H * W + p] = 1;
      valid.data[n * H * W + p] = 1;
    }
  }
  return { onehot, valid };
}

/** Soft Dice loss of logits:(N,K,H,W) against labels (N*H*W); see the top of this file. */
export function diceLoss(
  logits: Tensor,
  labels: ArrayLike<number>,
  { ignoreIndex = IGNORE_INDEX, smooth = 1 }: DiceLossOptions = {},
): Tensor {
  if (logits.rank !== 4) {
    throw new RangeError(`diceLoss: logits must be (N,K,H,W), got ${formatShape(logits.shape)}`);
  }
  const [N, , H, W] = logits.shape;
  if (labels.length !== N * H * W) {
    throw new RangeError(
      `diceLoss: ${formatShape(logits.shape)} logits need ${N * H * W} labels, got ${labels.length}`,
    );
  }
  if (!(smooth >= 0)) throw new RangeError(`diceLoss: smooth must be >= 0, got ${smooth}`);
  const { onehot, valid } = targets(logits.shape, labels, ignoreIndex, logits.dtype);
  const p = mul(softmax(logits, 1), valid);
  const axes = [0, 2, 3];
  const intersection = sum(mul(p, onehot), axes);
  const total = add(sum(p, axes), sum(onehot, axes));
  const dice = div(add(mul(intersection, 2), smooth), add(total, smooth));
  return sub(1, mean(dice));
}

export type SegmentationLossName = 'ce' | 'dice' | 'ce+dice';
export const SEGMENTATION_LOSSES: readonly SegmentationLossName[] = ['ce', 'dice', 'ce+dice'];

export interface SegmentationLossOptions {
  loss?: SegmentationLossName;
  /** Cross-entropy class weights (K); default none. */
  classWeights?: Tensor | null;
  ignoreIndex?: number;
}

/** The training loss of logits:(N,K,H,W) against labels (N*H*W). */
export function segmentationLoss(
  logits: Tensor,
  labels: Int32Array,
  { loss = 'ce', classWeights = null, ignoreIndex = IGNORE_INDEX }: SegmentationLossOptions = {},
): Tensor {
  const ce = (): Tensor => crossEntropy(logits, labels, { weight: classWeights, ignoreIndex });
  if (loss === 'ce') return ce();
  if (loss === 'dice') return diceLoss(logits, labels, { ignoreIndex });
  return add(ce(), diceLoss(logits, labels, { ignoreIndex }));
}
