/**
 * Batch norm on the WebAssembly kernels (assembly/batch-norm2d.ts), threaded over channels
 * (planes in evaluation). eps goes in as an f64; one backward kernel serves both modes, given
 * the statistics the forward normalised with and a training flag.
 */
import { hostKernels } from './marshal.js';

export const batchNorm2d = hostKernels({
  batchNorm2dForwardTrain(m, y, batchMean, batchVar, x, gamma, beta, eps, g) {
    const outputs = [m.output(y), m.output(batchMean), m.output(batchVar)];
    const inputs = [m.input(x), m.input(gamma), m.input(beta), m.float64(eps)];
    const relu = 0;
    const args = [g.N, g.C, g.H * g.W, ...outputs, ...inputs, relu];
    m.run('batchNorm2dForwardTrain', args, 2 * x.length);
  },

  batchNorm2dForwardEval(m, y, x, runningMean, runningVar, gamma, beta, eps, g) {
    const statistics = [m.input(runningMean), m.input(runningVar)];
    const affine = [m.input(gamma), m.input(beta), m.float64(eps)];
    const args = [g.N, g.C, g.H * g.W, m.output(y), m.input(x), ...statistics, ...affine];
    m.run('batchNorm2dForwardEval', args, x.length);
  },

  batchNorm2dBackwardTrain(m, dx, dgamma, dbeta, dy, x, gamma, batchMean, batchVar, eps, g) {
    const gradients = [m.output(dx), m.output(dgamma), m.output(dbeta)];
    const inputs = [m.input(dy), m.input(x), m.input(gamma)];
    const statistics = [m.input(batchMean), m.input(batchVar), m.float64(eps)];
    const [training, keep] = [1, 0];
    const args = [g.N, g.C, g.H * g.W, ...gradients, ...inputs, ...statistics, training, keep];
    m.run('batchNorm2dBackward', args, 2 * x.length);
  },

  batchNorm2dBackwardEval(m, dx, dgamma, dbeta, dy, x, runningMean, runningVar, gamma, eps, g) {
    const gradients = [m.output(dx), m.output(dgamma), m.output(dbeta)];
    const inputs = [m.input(dy), m.input(x), m.input(gamma)];
    const statistics = [m.input(runningMean), m.input(runningVar), m.float64(eps)];
    const [training, keep] = [0, 0];
    const args = [g.N, g.C, g.H * g.W, ...gradients, ...inputs, ...statistics, training, keep];
    m.run('batchNorm2dBackward', args, 2 * x.length);
  },

  batchNorm2dUpdateRunningStats(m, runningMean, runningVar, batchMean, batchVar, momentum, g) {
    const running = [m.inPlace(runningMean), m.inPlace(runningVar)];
    const batch = [m.input(batchMean), m.input(batchVar), m.float64(momentum)];
    m.call('batchNorm2dUpdateRunningStats', ...running, ...batch, g.C, g.N * g.H * g.W);
  },
});
