/**
 * convnet-ts reference: the plain-loop kernels of src/kernels/reference/, the spec every fast
 * kernel is held to. Slow by design (nobody optimises them); the harness probes and time-boxes it.
 * The network workloads run the seed net through the ops and autograd on these kernels.
 */
import { referenceBackend } from '../../src/kernels/backend.js';
import type { Contestant } from './contestant.js';
import {
  backendConvForward,
  backendConvForwardBackward,
  backendInferNet,
  backendLinearSgemm,
  backendMaxPoolForwardBackward,
  backendTrainNet,
} from './backend-workloads.js';

export const reference: Contestant = {
  name: 'reference',
  side: 'ours',
  probe: true,
  setup: () => Promise.resolve('convnet-ts reference kernels: plain JS loops, one thread'),
  threadCounts: () => [1],
  activate: () => Promise.resolve(),
  sgemm: (M, N, K) => backendLinearSgemm(referenceBackend, M, N, K),
  conv2dForward: (c) => backendConvForward(referenceBackend, c),
  conv2dForwardBackward: (c) => backendConvForwardBackward(referenceBackend, c),
  maxPoolForwardBackward: (p) => backendMaxPoolForwardBackward(referenceBackend, p),
  trainNet: (n) => backendTrainNet(referenceBackend, null, n),
  inferNet: (n) => backendInferNet(referenceBackend, null, n),
};
