/**
 * What makes a model a detector, checked without files (browser-safe; detector-model.ts loads
 * and saves): its spec says `task: 'detection'` and its graph has the outputs `heatmap`
 * (N, K, OH, OW), `size` (N, 2, OH, OW) and `offset` (N, 2, OH, OW); the stride is H / OH at
 * the graph's declared input size H x W, the same along both axes, and the spec has K class
 * names.
 */
import { modelInput, type ModelSpec } from '../../io/model-spec.js';
import type { Graph } from '../../nn/graph/graph.js';

/** The outputs a detector graph must have, in the order the decoder reads them. */
export const DETECTOR_OUTPUTS = ['heatmap', 'size', 'offset'] as const;

export interface DetectorLayout {
  /** One per heatmap channel. */
  classNames: string[];
  /** Input pixels per map cell, per axis. */
  stride: number;
  /** The input size the graph declares (it runs on other sizes, multiples of the stride x 2). */
  imageSize: [number, number];
}

/** The detector's class names, stride and input size, checked against its graph. */
export function detectorLayout(spec: ModelSpec, model: Graph, source = 'detector'): DetectorLayout {
  if (spec.task !== 'detection') {
    throw new Error(`${source}: a ${spec.task} model, not a detector (task 'detection')`);
  }
  const missing = DETECTOR_OUTPUTS.filter((name) => !model.outputs.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `${source}: a detector's graph has outputs ${DETECTOR_OUTPUTS.join(', ')}; this one lacks ${missing.join(', ')} (it has ${model.outputs.join(', ')})`,
    );
  }
  const [H, W] = modelInput(spec).imageSize;
  const shapes = model.shapes();
  const [, K, OH, OW] = shapes.get('heatmap') ?? [];
  for (const [name, channels] of [
    ['size', 2],
    ['offset', 2],
  ] as const) {
    const shape = shapes.get(name) ?? [];
    if (shape.length !== 4 || shape[1] !== channels || shape[2] !== OH || shape[3] !== OW) {
      throw new Error(
        `${source}: output ${name} must be (N, ${channels}, ${OH}, ${OW}) beside heatmap (N, ${K}, ${OH}, ${OW}), got (${shape.join(', ')})`,
      );
    }
  }
  const stride = H / OH;
  if (!Number.isInteger(stride) || stride !== W / OW) {
    throw new Error(
      `${source}: the heatmap (${OH}x${OW}) is not the ${H}x${W} input divided by one integer stride`,
    );
  }
  if (spec.classNames.length !== K) {
    throw new Error(
      `${source}: ${spec.classNames.length} class names for a heatmap of ${K} classes (${spec.classNames.join(', ')})`,
    );
  }
  return { classNames: [...spec.classNames], stride, imageSize: [H, W] };
}
