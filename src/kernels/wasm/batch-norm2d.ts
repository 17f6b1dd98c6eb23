/**
 * Batch norm on the WebAssembly kernels (assembly/batch-norm2d.ts), threaded over channels
 * (planes in evaluation). eps goes in as an f64; one backward kernel serves both modes, given
 * the statistics the forward normalised with and a training flag. The training batch norm with
 * its ReLU (src/kernels/reference/batch-norm2d-relu.ts) runs the same two kernels with the ReLU
 * taken in the normalising pass and, backward, dy masked by the ReLU's output y inside the
 * reductions and the dx pass (trainForward's `relu`, backward's `keep`).
 */
import type { BatchNorm2dGeometry } from '../../shape/batch-norm2d.js';
import type { FloatArray } from '../../tensor.js';
import { hostKernels, type Marshal } from './marshal.js';

/** The training forward, then relu(y) in the same pass where `relu`. */
function trainForward(
  m: Marshal,
  [y, batchMean, batchVar]: FloatArray[],
  [x, gamma, beta]: (FloatArray | null)[],
  eps: number,
  g: BatchNorm2dGeometry,
  relu: boolean,
): void {
  const outputs = [m.output(y), m.output(batchMean), m.output(batchVar)];
  const inputs = [m.input(x), m.input(gamma), m.input(beta), m.float64(eps)];
  const args = [g.N, g.C, g.H * g.W, ...outputs, ...inputs, relu ? 1 : 0];
  m.run('batchNorm2dForwardTrain', args, 2 * g.N * g.C * g.H * g.W);
}

/**
 * The backward of either mode, with the statistics the forward normalised with; dy counts only
 * where `keep` (a ReLU's output after the batch norm; null: none) is > 0.
 */
function backward(
  m: Marshal,
  [dx, dgamma, dbeta]: (FloatArray | null)[],
  [dy, x, gamma]: (FloatArray | null)[],
  [mean, variance]: FloatArray[],
  eps: number,
  g: BatchNorm2dGeometry,
  training: boolean,
  keep: FloatArray | null,
): void {
  const gradients = [m.output(dx), m.output(dgamma), m.output(dbeta)];
  const inputs = [m.input(dy), m.input(x), m.input(gamma)];
  const statistics = [m.input(mean), m.input(variance), m.float64(eps)];
  const flags = [training ? 1 : 0, m.input(keep)];
  const args = [g.N, g.C, g.H * g.W, ...gradients, ...inputs, ...statistics, ...flags];
  m.run('batchNorm2dBackward', args, 2 * g.N * g.C * g.H * g.W);
}

export const batchNorm2d = hostKernels({
  batchNorm2dForwardTrain(m, y, batchMean, batchVar, x, gamma, beta, eps, g) {
    trainForward(m, [y, batchMean, batchVar], [x, gamma, beta], eps, g, false);
  },

  batchNorm2dReluForwardTrain(m, y, batchMean, batchVar, x, gamma, beta, eps, g) {
    trainForward(m, [y, batchMean, batchVar], [x, gamma, beta], eps, g, true);
  },

  batchNorm2dForwardEval(m, y, x, runningMean, runningVar, gamma, beta, eps, g) {
    const statistics = [m.input(runningMean), m.input(runningVar)];
    const affine = [m.input(gamma), m.input(beta), m.float64(eps)];
    const args = [g.N, g.C, g.H * g.W, m.output(y), m.input(x), ...statistics, ...affine];
    m.run('batchNorm2dForwardEval', args, x.length);
  },

  batchNorm2dBackwardTrain(m, dx, dgamma, dbeta, dy, x, gamma, batchMean, batchVar, eps, g) {
    const statistics = [batchMean, batchVar];
    backward(m, [dx, dgamma, dbeta], [dy, x, gamma], statistics, eps, g, true, null);
  },

  batchNorm2dReluBackwardTrain(m, dx, dgamma, dbeta, dy, y, x, gamma, batchMean, batchVar, eps, g) {
    const statistics = [batchMean, batchVar];
    backward(m, [dx, dgamma, dbeta], [dy, x, gamma], statistics, eps, g, true, y);
  },

  batchNorm2dBackwardEval(m, dx, dgamma, dbeta, dy, x, runningMean, runningVar, gamma, eps, g) {
    const statistics = [runningMean, runningVar];
    backward(m, [dx, dgamma, dbeta], [dy, x, gamma], statistics, eps, g, false, null);
  },

  batchNorm2dUpdateRunningStats(m, runningMean, runningVar, batchMean, batchVar, momentum, g) {
    const running = [m.inPlace(runningMean), m.inPlace(runningVar)];
    const batch = [m.input(batchMean), m.input(batchVar), m.float64(momentum)];
    m.call('batchNorm2dUpdateRunningStats', ...running, ...batch, g.C, g.N * g.H * g.W);
  },
});
