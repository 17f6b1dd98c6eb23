/**
 * Running an ONNX model in ONNX Runtime (onnxruntime-node, CPU) and comparing its outputs with
 * ours within 1e-5 of the output's scale (the largest |value|), reporting the largest
 * difference and the first index out of tolerance.
 */
import * as ort from 'onnxruntime-node';
import { noGrad } from '../../../src/autograd.js';
import { assertClose, type Comparison } from '../../../src/check/compare.js';
import type { Graph } from '../../../src/nn/graph/graph.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';

export async function ortSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
}

export async function runOrt(
  session: ort.InferenceSession,
  inputs: Readonly<Record<string, Tensor>>,
): Promise<Map<string, Float32Array>> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, x] of Object.entries(inputs)) {
    feeds[name] = new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]);
  }
  const results = await session.run(feeds);
  return new Map(
    Object.entries(results).map(([name, t]) => [name, Float32Array.from(t.data as Float32Array)]),
  );
}

/** A seeded input batch for each of the graph's inputs: pixels in [0, 1). */
export function inputsFor(graph: Graph, batch: number, seed: number): Record<string, Tensor> {
  const rng = new Rng(seed);
  return Object.fromEntries(
    graph.inputs.map((i) => [i.name, Tensor.uniform([batch, ...i.shape], rng)]),
  );
}

export function ours(graph: Graph, inputs: Readonly<Record<string, Tensor>>): Map<string, Tensor> {
  return noGrad(() => graph.run(inputs));
}

/** Asserts |actual - expected| <= 1e-5 * max|expected|; returns the comparison. */
export function assertWithinScale(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
): Comparison {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  return assertClose(actual, expected, { rtol: 0, atol: 1e-5 * Math.max(scale, 1e-30) }, label);
}
