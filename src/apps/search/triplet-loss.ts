/**
 * Triplet loss with batch-hard mining (Hermans, Beyer & Leibe 2017, "In Defense of the Triplet
 * Loss"), on Euclidean distances between unit embeddings:
 *
 *   e = l2Normalize(x)                  x:(B,D)
 *   s[i,j] = ||e_i - e_j||^2 = 2 - 2 e_i . e_j          (from one matmul)
 *   for each anchor i with a positive (same label, j != i) and a negative (other label):
 *     p(i) = argmax_{j positive} s[i,j]     the hardest positive
 *     n(i) = argmin_{j negative} s[i,j]     the hardest negative
 *     z_i  = sqrt(s[i,p(i)]) - sqrt(s[i,n(i)])           (tripletGap, below)
 *     l_i  = softplus(z_i) = log(1 + e^z_i)              soft margin (margin null, the default)
 *          | max(0, z_i + margin)                        hinge
 *   loss = mean of l_i over those anchors (0 when there are none)
 *
 * Why not squared distances: on the unit sphere the gradient of ||e_i - e_j||^2 along the
 * sphere is 2 (e_i - e_j) projected, which vanishes as e_i and e_j meet, so a batch whose
 * embeddings have collapsed together stays there with every l_i equal to the margin (what the
 * squared version did on MNIST). The distance itself has a gradient of length ~1 however close
 * the points are; the soft margin keeps pushing triplets that already satisfy any margin.
 *
 * The mining picks indices from the forward values; the selected squared distances are taken
 * with one-hot masks (mul, sum), so the gradients come from the autograd tape. Ties go to the
 * smaller index. Batch-hard needs several images of each class in a batch: train with
 * class-balanced P x K batches (pk-batches.ts).
 */
import { noGrad, record } from '../../autograd.js';
import type { Labels } from '../../kernels/backend.js';
import { l2Normalize, matmul, mul, permute, sub, sum } from '../../ops/index.js';
import { ShapeError } from '../../shape/shape-error.js';
import { Tensor, formatShape } from '../../tensor.js';

export interface TripletLossOptions {
  /** The hinge's margin between the two distances; default null: the soft margin (softplus). */
  margin?: number | null;
}

/** Squared distances below this count as this (the square root's slope stays finite). */
const MIN_SQUARED = 1e-12;

/** The one-hot masks of each anchor's hardest positive and negative, and which anchors have both. */
function mineBatchHard(
  d: ArrayLike<number>,
  labels: Labels,
): { positive: Float64Array; negative: Float64Array; valid: Uint8Array; anchors: number } {
  const B = labels.length;
  const positive = new Float64Array(B * B);
  const negative = new Float64Array(B * B);
  const valid = new Uint8Array(B);
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

/**
 * The mean over valid anchors of l(sqrt(sp) - sqrt(sn)) as an op: sp, sn:(B) squared distances
 * -> ():
 *
 *   a = sqrt(max(sp, eps)), b = sqrt(max(sn, eps)), z = a - b
 *   l(z) = softplus(z), l' = sigmoid(z)                    (margin null)
 *        | max(0, z + m), l' = [z + m > 0]                 (margin m)
 *   dsp = dy l'(z) / (2a) [sp > eps] / A,  dsn = -dy l'(z) / (2b) [sn > eps] / A   (A anchors)
 */
export function tripletGap(
  sp: Tensor,
  sn: Tensor,
  valid: Uint8Array,
  margin: number | null,
): Tensor {
  const B = valid.length;
  const A = Math.max(
    1,
    valid.reduce((n, v) => n + v, 0),
  );
  const slopeP = new Float64Array(B);
  const slopeN = new Float64Array(B);
  let total = 0;
  for (let i = 0; i < B; i++) {
    if (valid[i] === 0) continue;
    const a = Math.sqrt(Math.max(sp.data[i], MIN_SQUARED));
    const b = Math.sqrt(Math.max(sn.data[i], MIN_SQUARED));
    const z = a - b;
    let slope: number;
    if (margin === null) {
      total += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
      slope = 1 / (1 + Math.exp(-z));
    } else {
      total += Math.max(0, z + margin);
      slope = z + margin > 0 ? 1 : 0;
    }
    slopeP[i] = sp.data[i] > MIN_SQUARED ? slope / (2 * a) / A : 0;
    slopeN[i] = sn.data[i] > MIN_SQUARED ? -slope / (2 * b) / A : 0;
  }
  const y = Tensor.empty([], sp.dtype);
  y.data[0] = total / A;
  return record('tripletGap', y, [sp, sn], (dy) => {
    const g = dy.data[0];
    const grad = (t: Tensor, slopes: Float64Array): Tensor | null => {
      if (!t.requiresGrad) return null;
      const dx = Tensor.empty(t.shape, t.dtype);
      for (let i = 0; i < B; i++) dx.data[i] = g * slopes[i];
      return dx;
    };
    return [grad(sp, slopeP), grad(sn, slopeN)];
  });
}

/** Batch-hard triplet loss of embeddings x:(B,D) with labels:(B) (see the top of this file). */
export function tripletLoss(
  x: Tensor,
  labels: Labels,
  { margin = null }: TripletLossOptions = {},
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
  if (margin !== null && !(margin >= 0 && Number.isFinite(margin)))
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
  return tripletGap(hardestPositive, hardestNegative, mined.valid, margin);
}
