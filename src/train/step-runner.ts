/**
 * How a training step runs: inside the fast backend's runStep (every tensor the step makes
 * lives in the kernels' memory, no copies; see docs/fast-backend.md), or as a plain call on
 * backends without one (the reference kernels).
 */
import { getBackend } from '../kernels/backend.js';
import type { Tensor } from '../tensor.js';

/** What fit and evaluate need from a backend to run a step in place. */
export interface StepRunner {
  /** Runs step; tensors it makes are valid only inside it, so it must return plain values. */
  runStep<T>(params: Iterable<Tensor>, step: () => T): T;
}

/** A runner that simply calls the step. */
export const directStepRunner: StepRunner = {
  runStep: (_params, step) => step(),
};

/** The current backend's runStep (the fast backend's), or the direct runner. */
export function currentStepRunner(): StepRunner {
  const { runStep } = getBackend();
  return runStep === undefined ? directStepRunner : { runStep };
}
