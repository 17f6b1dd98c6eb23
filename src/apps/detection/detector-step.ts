/**
 * One training step of a detector (browser-safe: trainDetector runs it in Node, the playground
 * in a worker). Inside the backend's runStep: zero the gradients, forward, the CenterNet loss
 * (losses.ts), backward; a non-finite loss or gradient is refused (nothing applied); else clip
 * the gradient norm and step the optimizer.
 */
import type { Graph } from '../../nn/graph/graph.js';
import type { Adam } from '../../optim/adam.js';
import { clipGradNorm } from '../../optim/clip-grad.js';
import { findNonFinite } from '../../train/non-finite.js';
import { currentStepRunner, type StepRunner } from '../../train/step-runner.js';
import type { Tensor } from '../../tensor.js';
import type { Scene } from './digit-scenes.js';
import { detectionLoss } from './losses.js';
import { sceneTargets } from './scene-batch.js';

/** One training step's losses (means per object); `failed` names what was not finite. */
export interface DetectorStepResult {
  total: number;
  heatmap: number;
  size: number;
  offset: number;
  failed: string | null;
}

/**
 * One training step of a detector, as trainDetector runs it (and bench/apps-workloads.ts times it):
 * inside the backend's runStep, zero the gradients, forward, CenterNet loss, backward, refuse a
 * non-finite loss or gradient (nothing applied), clip, Adam.
 */
export function createDetectorStep({
  model,
  optimizer,
  numClasses,
  maxNorm = 10,
  stepRunner = currentStepRunner(),
}: {
  model: Graph;
  optimizer: Pick<Adam, 'step' | 'zeroGrad'>;
  numClasses: number;
  maxNorm?: number | null;
  stepRunner?: StepRunner;
}): (images: Tensor, scenes: readonly Scene[]) => DetectorStepResult {
  const named = model.namedParameters();
  const params = named.map(([, p]) => p);
  return (images, scenes) =>
    stepRunner.runStep(params, () => {
      optimizer.zeroGrad();
      const out = model.run(images);
      const get = (name: string): Tensor => {
        const t = out.get(name);
        if (t === undefined) throw new Error(`trainDetector: the model has no output '${name}'`);
        return t;
      };
      const loss = detectionLoss(
        { heatmap: get('heatmap'), size: get('size'), offset: get('offset') },
        sceneTargets(scenes, numClasses),
      );
      const total = loss.total.item();
      loss.total.backward();
      const bad = Number.isFinite(total) ? findNonFinite(named, 'gradient') : null;
      if (!Number.isFinite(total) || bad !== null) {
        optimizer.zeroGrad();
        return {
          total,
          heatmap: loss.heatmap,
          size: loss.size,
          offset: loss.offset,
          failed: bad === null ? 'loss' : bad.parameter,
        };
      }
      if (maxNorm !== null) clipGradNorm(params, maxNorm);
      optimizer.step();
      optimizer.zeroGrad();
      return { total, heatmap: loss.heatmap, size: loss.size, offset: loss.offset, failed: null };
    });
}
