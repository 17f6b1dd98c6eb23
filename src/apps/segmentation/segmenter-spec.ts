/**
 * What makes a model a segmenter, checked without files (browser-safe; segmenter-model.ts loads
 * and saves): its spec's task is 'segmentation', and its stride, which image sides must be
 * multiples of, is read off its graph: following the nodes in order, a node's downsampling is
 * the largest of its inputs' times its own stride (a pooling's or a convolution's; an
 * upsampling's brings no more), and the stride is the largest of all (2^depth for U-Net-lite).
 */
import type { ModelSpec } from '../../io/model-spec.js';
import type { GraphSpec } from '../../nn/graph/graph-spec.js';

export const SEGMENTATION_TASK = 'segmentation';

const DOWNSAMPLING_OPS = new Set(['Conv2d', 'MaxPool2d', 'AvgPool2d']);

function largestSide(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return Math.max(1, ...value.filter((v) => typeof v === 'number'));
  return 1;
}

/** The graph's stride (see the top of this file). */
export function segmenterStride(graph: GraphSpec): number {
  const reach = new Map<string, number>(graph.inputs.map((input) => [input.name, 1]));
  let stride = 1;
  for (const node of graph.nodes) {
    const from = Math.max(1, ...(node.inputs ?? []).map((name) => reach.get(name) ?? 1));
    const config = node.config as { stride?: unknown; kernelSize?: unknown };
    let own = 1;
    if (DOWNSAMPLING_OPS.has(node.op)) {
      // A pooling without a stride steps by its kernel size.
      own = largestSide(config.stride ?? config.kernelSize);
    }
    reach.set(node.name, from * own);
    stride = Math.max(stride, from * own);
  }
  return stride;
}

/** Refuses a model that is not a segmenter, saying which commands take it. */
export function requireSegmenter(trained: { spec: ModelSpec; dir: string }): void {
  const { task, name } = trained.spec;
  if (task === SEGMENTATION_TASK) return;
  const instead =
    task === 'embedding'
      ? 'use convnet search or convnet eval --task retrieval'
      : task === 'classification'
        ? 'use convnet predict or convnet eval'
        : 'this command takes segmenters only';
  throw new Error(
    `${trained.dir} holds a${task === 'embedding' ? 'n' : ''} ${task} model (${name}), not a segmenter (convnet train --task segmentation): ${instead}`,
  );
}
