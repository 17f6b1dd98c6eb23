/**
 * The CenterNet losses, built from differentiable ops (sigmoid, binary cross-entropy on logits,
 * mul, sub, add, sum), so autograd gives their gradients. With p = sigmoid(x) of the heatmap
 * logits, y the Gaussian-splatted target and K the number of objects:
 *
 *   focal (penalty-reduced, α = 2, β = 4):
 *     L_k = -1/K Σ  { (1 - p)^α log p                 where y = 1
 *                   { (1 - y)^β p^α log(1 - p)        elsewhere
 *   -log p and -log(1 - p) are binaryCrossEntropyWithLogits(x, 1) and (x, 0), which never
 *   overflow (no clamping of p is needed).
 *
 *   regression at centres (size and offset): L = 1/K Σ_centres |pred - target|   (L1)
 *
 *   total = L_k + 0.1 L_size + L_offset        (CenterNet's weights)
 *
 * K is floored at 1, so an image with no objects still trains the heatmap toward 0.
 */
import {
  add,
  binaryCrossEntropyWithLogits,
  mul,
  sigmoid,
  smoothL1Loss,
  sub,
  sum,
} from '../../ops/index.js';
import { requireSameShape } from '../../shape/shape-error.js';
import { Tensor } from '../../tensor.js';

export const FOCAL_ALPHA = 2;
export const FOCAL_BETA = 4;
export const SIZE_WEIGHT = 0.1;
export const OFFSET_WEIGHT = 1;

/** t^k for a small positive integer k, as repeated mul (differentiable). */
function power(t: Tensor, k: number): Tensor {
  let y = t;
  for (let i = 1; i < k; i++) y = mul(y, t);
  return y;
}

/**
 * Penalty-reduced focal loss of heatmap logits against a target heatmap of the same shape
 * (values in [0, 1], exactly 1 at object centres), summed and divided by max(1, numObjects).
 */
export function focalLoss(logits: Tensor, target: Tensor, numObjects: number): Tensor {
  requireSameShape(logits.shape, target.shape, 'focalLoss', 'logits', 'target');
  if (target.requiresGrad)
    throw new Error('focalLoss: the target is a constant and must not require grad');
  const dtype = logits.dtype;
  const posMask = Tensor.zeros(target.shape, dtype);
  const negWeight = Tensor.zeros(target.shape, dtype);
  for (let i = 0; i < target.data.length; i++) {
    const y = target.data[i];
    if (y === 1) posMask.data[i] = 1;
    else negWeight.data[i] = (1 - y) ** FOCAL_BETA;
  }
  const p = sigmoid(logits);
  const q = sub(1, p);
  const negLogP = binaryCrossEntropyWithLogits(logits, Tensor.ones(logits.shape, dtype), {
    reduction: 'none',
  });
  const negLogQ = binaryCrossEntropyWithLogits(logits, Tensor.zeros(logits.shape, dtype), {
    reduction: 'none',
  });
  const pos = mul(mul(power(q, FOCAL_ALPHA), negLogP), posMask);
  const neg = mul(mul(power(p, FOCAL_ALPHA), negLogQ), negWeight);
  return mul(sum(add(pos, neg)), 1 / Math.max(1, numObjects));
}

/**
 * L1 of pred against target at the cells where mask is 1, divided by max(1, numObjects).
 * pred and target (N, K, OH, OW); mask (N, 1, OH, OW), broadcast over K.
 */
export function centreL1Loss(
  pred: Tensor,
  target: Tensor,
  mask: Tensor,
  numObjects: number,
): Tensor {
  requireSameShape(pred.shape, target.shape, 'centreL1Loss', 'pred', 'target');
  const masked = mul(pred, mask);
  const maskedTarget = mul(target, mask);
  const total = smoothL1Loss(masked, maskedTarget, { beta: 0, reduction: 'sum' });
  return mul(total, 1 / Math.max(1, numObjects));
}

export interface DetectionLossParts {
  total: Tensor;
  heatmap: number;
  size: number;
  offset: number;
}

export interface DetectionTargetTensors {
  heatmap: Tensor;
  size: Tensor;
  offset: Tensor;
  mask: Tensor;
  numObjects: number;
}

/** The weighted total of the three losses, and each part's value. */
export function detectionLoss(
  outputs: { heatmap: Tensor; size: Tensor; offset: Tensor },
  targets: DetectionTargetTensors,
): DetectionLossParts {
  const k = targets.numObjects;
  const heatmap = focalLoss(outputs.heatmap, targets.heatmap, k);
  const size = centreL1Loss(outputs.size, targets.size, targets.mask, k);
  const offset = centreL1Loss(outputs.offset, targets.offset, targets.mask, k);
  const total = add(add(heatmap, mul(size, SIZE_WEIGHT)), mul(offset, OFFSET_WEIGHT));
  return { total, heatmap: heatmap.data[0], size: size.data[0], offset: offset.data[0] };
}
