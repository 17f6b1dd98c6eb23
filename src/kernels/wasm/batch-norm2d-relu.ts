/**
 * A training-mode batch norm with its ReLU on the WebAssembly kernels: batch-norm2d.ts's kernels
 * (assembly/batch-norm2d.ts) with the ReLU taken in the normalising pass and, backward, dy masked
 * by the ReLU's output y inside the reductions and the dx pass.
 */
import { hostKernels } from './marshal.js';

export const batchNorm2dRelu = hostKernels({
  batchNorm2dReluForwardTrain(m, y, batchMean, batchVar, x, gamma, beta, eps, g) {
    const outputs = [m.output(y), m.output(batchMean), m.output(batchVar)];
    const inputs = [m.input(x), m.input(gamma), m.input(beta), m.float64(eps)];
    const relu = 1;
    const args = [g.N, g.C, g.H * g.W, ...outputs, ...inputs, relu];
    m.run('batchNorm2dForwardTrain', args, 2 * x.length);
  },

  batchNorm2dReluBackwardTrain(m, dx, dgamma, dbeta, dy, y, x, gamma, batchMean, batchVar, eps, g) {
    const gradients = [m.output(dx), m.output(dgamma), m.output(dbeta)];
    const inputs = [m.input(dy), m.input(x), m.input(gamma)];
    const statistics = [m.input(batchMean), m.input(batchVar), m.float64(eps)];
    const [training, keep] = [1, m.input(y)];
    const args = [g.N, g.C, g.H * g.W, ...gradients, ...inputs, ...statistics, training, keep];
    m.run('batchNorm2dBackward', args, 2 * x.length);
  },
});
