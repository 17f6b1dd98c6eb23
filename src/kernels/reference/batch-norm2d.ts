/**
 * Batch normalisation over (N,H,W) for each channel, reference implementation.
 *
 * x:(N,C,H,W) gamma:(C) beta:(C) -> y:(N,C,H,W); M = N*H*W values per channel.
 *
 * Training uses the batch's statistics (the biased variance, dividing by M):
 *
 *   mean[c] = (1/M) sum x[:,c,:,:]        var[c] = (1/M) sum (x[:,c,:,:] - mean[c])^2
 *   xhat    = (x - mean[c]) / sqrt(var[c] + eps)        y = gamma[c] * xhat + beta[c]
 *
 *   dbeta[c]  = sum dy[:,c]        dgamma[c] = sum dy[:,c] * xhat[:,c]
 *   dx        = gamma[c] / (M * sqrt(var[c] + eps)) * (M*dy - dbeta[c] - xhat * dgamma[c])
 *
 * and moves the running statistics towards the batch's, with the unbiased variance (as PyTorch):
 *
 *   runningMean = (1 - momentum) * runningMean + momentum * mean
 *   runningVar  = (1 - momentum) * runningVar  + momentum * var * M / (M - 1)
 *
 * Evaluation uses the running statistics instead, so y is a fixed affine map of x:
 *
 *   y  = gamma[c] * (x - runningMean[c]) / sqrt(runningVar[c] + eps) + beta[c]
 *   dx = dy * gamma[c] / sqrt(runningVar[c] + eps)
 *
 * gamma and beta may be null (no affine part: gamma = 1, beta = 0). Every function overwrites
 * its outputs; a null output in a backward is skipped.
 */
import type { BatchNorm2dGeometry } from '../../shape/batch-norm2d.js';
import type { FloatArray } from '../../tensor.js';

/** y, and the batch mean and biased variance per channel (saved for the backward pass). */
export function batchNorm2dForwardTrain(
  y: FloatArray,
  batchMean: FloatArray,
  batchVar: FloatArray,
  x: FloatArray,
  gamma: FloatArray | null,
  beta: FloatArray | null,
  eps: number,
  g: BatchNorm2dGeometry,
): void {
  const { N, C, H, W } = g;
  const HW = H * W;
  const M = N * HW;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < HW; k++) sum += x[(n * C + c) * HW + k];
    }
    const mean = sum / M;
    let squares = 0;
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < HW; k++) {
        const d = x[(n * C + c) * HW + k] - mean;
        squares += d * d;
      }
    }
    const variance = squares / M;
    batchMean[c] = mean;
    batchVar[c] = variance;
    const scale = (gamma === null ? 1 : gamma[c]) / Math.sqrt(variance + eps);
    const shift = beta === null ? 0 : beta[c];
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < HW; k++) {
        const i = (n * C + c) * HW + k;
        y[i] = (x[i] - mean) * scale + shift;
      }
    }
  }
}

/** y from the running statistics. */
export function batchNorm2dForwardEval(
  y: FloatArray,
  x: FloatArray,
  runningMean: FloatArray,
  runningVar: FloatArray,
  gamma: FloatArray | null,
  beta: FloatArray | null,
  eps: number,
  g: BatchNorm2dGeometry,
): void {
  const { N, C, H, W } = g;
  const HW = H * W;
  for (let c = 0; c < C; c++) {
    const scale = (gamma === null ? 1 : gamma[c]) / Math.sqrt(runningVar[c] + eps);
    const shift = beta === null ? 0 : beta[c];
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < HW; k++) {
        const i = (n * C + c) * HW + k;
        y[i] = (x[i] - runningMean[c]) * scale + shift;
      }
    }
  }
}

/** dx, dgamma, dbeta of the training-mode forward, from the saved batch statistics. */
export function batchNorm2dBackwardTrain(
  dx: FloatArray | null,
  dgamma: FloatArray | null,
  dbeta: FloatArray | null,
  dy: FloatArray,
  x: FloatArray,
  gamma: FloatArray | null,
  batchMean: FloatArray,
  batchVar: FloatArray,
  eps: number,
  g: BatchNorm2dGeometry,
): void {
  const { N, C, H, W } = g;
  const HW = H * W;
  const M = N * HW;
  for (let c = 0; c < C; c++) {
    const mean = batchMean[c];
    const invStd = 1 / Math.sqrt(batchVar[c] + eps);
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < HW; k++) {
        const i = (n * C + c) * HW + k;
        sumDy += dy[i];
        sumDyXhat += dy[i] * (x[i] - mean) * invStd;
      }
    }
    if (dbeta !== null) dbeta[c] = sumDy;
    if (dgamma !== null) dgamma[c] = sumDyXhat;
    if (dx === null) continue;
    const scale = ((gamma === null ? 1 : gamma[c]) * invStd) / M;
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < HW; k++) {
        const i = (n * C + c) * HW + k;
        const xhat = (x[i] - mean) * invStd;
        dx[i] = scale * (M * dy[i] - sumDy - xhat * sumDyXhat);
      }
    }
  }
}

/** dx, dgamma, dbeta of the evaluation-mode forward. */
export function batchNorm2dBackwardEval(
  dx: FloatArray | null,
  dgamma: FloatArray | null,
  dbeta: FloatArray | null,
  dy: FloatArray,
  x: FloatArray,
  runningMean: FloatArray,
  runningVar: FloatArray,
  gamma: FloatArray | null,
  eps: number,
  g: BatchNorm2dGeometry,
): void {
  const { N, C, H, W } = g;
  const HW = H * W;
  for (let c = 0; c < C; c++) {
    const invStd = 1 / Math.sqrt(runningVar[c] + eps);
    const scale = (gamma === null ? 1 : gamma[c]) * invStd;
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < HW; k++) {
        const i = (n * C + c) * HW + k;
        sumDy += dy[i];
        sumDyXhat += dy[i] * (x[i] - runningMean[c]) * invStd;
        if (dx !== null) dx[i] = dy[i] * scale;
      }
    }
    if (dbeta !== null) dbeta[c] = sumDy;
    if (dgamma !== null) dgamma[c] = sumDyXhat;
  }
}

/** Moves runningMean and runningVar (in place) towards the batch statistics. */
export function batchNorm2dUpdateRunningStats(
  runningMean: FloatArray,
  runningVar: FloatArray,
  batchMean: FloatArray,
  batchVar: FloatArray,
  momentum: number,
  g: BatchNorm2dGeometry,
): void {
  const M = g.N * g.H * g.W;
  for (let c = 0; c < g.C; c++) {
    runningMean[c] = (1 - momentum) * runningMean[c] + momentum * batchMean[c];
    runningVar[c] = (1 - momentum) * runningVar[c] + momentum * ((batchVar[c] * M) / (M - 1));
  }
}
