/**
 * Triplet loss with batch-hard mining (Hermans, Beyer & Leibe 2017), on squared Euclidean
 * distances between unit embeddings:
 *
 *   e = l2Normalize(x)                  x:(B,D)
 *   d[i,j] = ||e_i - e_j||^2 = 2 - 2 e_i . e_j
 *   for each anchor i with a positive (same label, j != i) and a negative (other label):
 *     p(i) = argmax_{j positive} d[i,j]     the hardest positive
 *     n(i) = argmin_{j negative} d[i,j]     the hardest negative
 *     l_i  = max(0, d[i,p(i)] - d[i,n(i)] + margin)
 *   loss = mean of l_i over those anchors (0 when there are none)
 *
 * The mining picks indices from the forward values; the selected distances are taken with
 * one-hot masks (mul, sum), so the gradients come from the autograd tape. Ties go to the
 * smaller index.
 */
import { noGrad } from '../../autograd.js';
import type { Labels } from '../../kernels/backend.js';
import { add, l2Normalize, matmul, mul, permute, relu, sub, sum } from '../../ops/index.js';
import { ShapeError } from '../../shape/shape-error.js';
import { Tensor, formatShape } from '../../tensor.js';

export interface TripletLossOptions {
  /** The margin between the hardest positive's and the hardest negative's distance; default 0.2. */
  margin?: number;
}

/** The one-hot masks of each anchor's hardest positive and negative, and which anchors have both. */
function mineBatchHard(
  d: ArrayLike<number>,
  labels: Labels,
): { positive: Float64Array; negative: Float64Array; valid: Float64Array; anchors: number } {
  const B = labels.length;
  const positive = new Float64Array(B * B);
  const negative = new Float64Array(B * B);
  const valid = new Float64Array(B);
  let anchors = 0;
  for (let i = 0; i < B; i++) {
    let p = -1;
    let n = -1;
    for (let j = 0; j < B; j++) {
      const v = d[i * B + j];
      if (labels[j] === labels[i]) {
        if (j !== i && (p < 0 || v > d[i * B + p])) p = j;
      } else if (n < 0 || v < d[i * B + n]) n = j;
    }
    if (p < 0 || n < 0) continue;
    positive[i * B + p] = 1;
    negative[i * B + n] = 1;
    valid[i] = 1;
    anchors++;
  }
  return { positive, negative, valid, anchors };
}

/** Batch-hard triplet loss of embeddings x:(B,D) with labels:(B) (see the top of this file). */
export function tripletLoss(
  x: Tensor,
  labels: Labels,
  { margin = 0.2 }: TripletLossOptions = {},
): Tensor {
  if (x.rank !== 2) {
    throw new ShapeError(
      `tripletLoss: embeddings must be (B,D), got shape ${formatShape(x.shape)}`,
    );
  }
  const B = x.shape[0];
  if (labels.length !== B) {
    throw new ShapeError(`tripletLoss: ${labels.length} labels for ${B} embeddings`);
  }
  if (!(margin >= 0 && Number.isFinite(margin)))
    throw new RangeError(`tripletLoss: margin must be a non-negative number, got ${margin}`);
  const e = l2Normalize(x);
  const d = sub(2, mul(matmul(e, permute(e, [1, 0])), 2));
  const mined = noGrad(() => mineBatchHard(d.data, labels));
  const constant = (values: Float64Array, shape: number[]): Tensor => {
    const t = Tensor.empty(shape, x.dtype);
    t.data.set(values);
    return t;
  };
  const hardestPositive = sum(mul(d, constant(mined.positive, [B, B])), 1);
  const hardestNegative = sum(mul(d, constant(mined.negative, [B, B])), 1);
  const losses = relu(add(sub(hardestPositive, hardestNegative), margin));
  const total = sum(mul(losses, constant(mined.valid, [B])));
  return mul(total, 1 / Math.max(1, mined.anchors));
}
