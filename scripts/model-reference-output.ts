/**
 * What convnet-ts computes for a model, written down for another framework to compare with
 * (scripts/torch-from-model-file.py --check reads it; docs/leaving.md):
 *
 *   node --import tsx scripts/model-reference-output.ts MODEL --out ref.safetensors
 *        [--image FILE.png] [--seed 0] [--batch 4]
 *
 * MODEL is a trained model's directory or a model file. The input is an image prepared exactly
 * as `convnet predict` prepares it (--image), or a batch of pixels drawn uniformly from [0, 1)
 * by Rng(seed) (the default). The output is a safetensors file (float32) holding
 *
 *   pixels.<input>   (N,C,H,W) in [0,1], before the model file's normalisation (one-input models)
 *   input.<input>    what the graph takes: (pixels - mean[c]) * (1 / std[c]), as predict computes it
 *   output.<output>  what the graph gives, in evaluation mode, for each of its outputs
 *
 * and in "__metadata__": format "convnet-ts reference output", the model, how the input was made,
 * and "inputs" / "outputs" (JSON arrays of names, in the graph's order).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import type { ModelSpec } from '../src/io/model-spec.js';
import { encodeSafetensors } from '../src/io/safetensors.js';
import { Rng, Tensor, noGrad } from '../src/index.js';
import { prepareImageFile } from '../src/train/predict.js';
import { loadTrainedModel } from '../src/train/trained-model.js';

export const REFERENCE_OUTPUT_FORMAT = 'convnet-ts reference output';

const usage =
  'usage: model-reference-output.ts MODEL --out FILE.safetensors [--image FILE] [--seed N] [--batch N]';

/** (x - mean[c]) * (1 / std[c]) per channel of (N,C,H,W) pixels, as predict normalises. */
function normalized(pixels: Tensor, spec: ModelSpec): Tensor {
  const [N, C] = pixels.shape;
  const plane = pixels.size / (N * C);
  const x = new Float32Array(pixels.data);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const scale = 1 / spec.normalize.std[c];
      const shift = spec.normalize.mean[c];
      const start = (n * C + c) * plane;
      for (let p = start; p < start + plane; p++) x[p] = (x[p] - shift) * scale;
    }
  }
  return new Tensor(x, pixels.shape);
}

function nonNegativeInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`${flag} must be an integer >= 0, got ${value}`);
  return n;
}

export interface ReferenceInputOptions {
  /** An image file, prepared as `convnet predict` prepares it; else seeded pixels. */
  image?: string;
  seed?: number;
  batch?: number;
}

export interface ReferenceOutput {
  /** pixels.<input>, input.<input>, output.<output>, as described at the top of this file. */
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** What convnet-ts computes for the model at `modelPath` (directory or model file). */
export async function referenceOutput(
  modelPath: string,
  { image, seed = 0, batch = 4 }: ReferenceInputOptions = {},
): Promise<ReferenceOutput> {
  const { model, spec } = await loadTrainedModel(modelPath);
  const inputs = model.inputs;
  const tensors = new Map<string, Tensor>();
  let made: string;
  if (image !== undefined) {
    if (inputs.length !== 1) {
      throw new Error(`--image needs a model of one input, not ${inputs.length}`);
    }
    const identity = {
      ...spec,
      normalize: { mean: spec.normalize.mean.map(() => 0), std: spec.normalize.std.map(() => 1) },
    };
    const { pixels } = prepareImageFile(identity, image);
    tensors.set(`pixels.${inputs[0].name}`, new Tensor(pixels, [1, ...inputs[0].shape]));
    made = `image ${image}, prepared as convnet predict prepares it`;
  } else {
    const rng = new Rng(seed);
    for (const input of inputs) {
      tensors.set(`pixels.${input.name}`, Tensor.uniform([batch, ...input.shape], rng));
    }
    made = `${batch} examples of pixels uniform in [0,1) from Rng(${seed})`;
  }
  const graphInputs: Record<string, Tensor> = {};
  for (const input of inputs) {
    const pixels = tensors.get(`pixels.${input.name}`);
    if (pixels === undefined) throw new Error(`internal error: no pixels for '${input.name}'`);
    // The model file's normalisation is for its (first) image input, as predict applies it.
    const x = inputs.length === 1 ? normalized(pixels, spec) : pixels;
    if (inputs.length !== 1) tensors.delete(`pixels.${input.name}`);
    tensors.set(`input.${input.name}`, x);
    graphInputs[input.name] = x;
  }
  const outputs = noGrad(() => model.run(graphInputs));
  for (const [name, y] of outputs) tensors.set(`output.${name}`, y.clone('float32'));
  const metadata = {
    format: REFERENCE_OUTPUT_FORMAT,
    model: resolve(modelPath),
    input: made,
    inputs: JSON.stringify(inputs.map((i) => i.name)),
    outputs: JSON.stringify(model.outputs),
  };
  return { tensors, metadata };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      image: { type: 'string' },
      seed: { type: 'string', default: '0' },
      batch: { type: 'string', default: '4' },
    },
  });
  if (positionals.length !== 1 || values.out === undefined) throw new Error(usage);
  const { tensors, metadata } = await referenceOutput(positionals[0], {
    image: values.image,
    seed: nonNegativeInt(values.seed, '--seed'),
    batch: Math.max(1, nonNegativeInt(values.batch, '--batch')),
  });
  await writeFileAtomic(values.out, encodeSafetensors(tensors, metadata));
  const shapes = [...tensors].map(([name, t]) => `${name} (${t.shape.join(',')})`).join(', ');
  console.log(`wrote ${values.out}: ${shapes}; ${metadata.input}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`model-reference-output: ${message}`);
    process.exitCode = 1;
  });
}
