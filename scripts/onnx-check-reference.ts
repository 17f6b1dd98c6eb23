/**
 * Runs an exported ONNX model in onnxruntime-node on the pixels of a reference output
 * (scripts/model-reference-output.ts) and compares its outputs with what convnet-ts computed
 * (docs/leaving.md):
 *
 *   node --import tsx scripts/onnx-check-reference.ts MODEL.onnx REF.safetensors [--tolerance 1e-5]
 *
 * The exported model takes pixels in [0,1] (its normalisation is inside), so it is fed
 * `pixels.<input>`. For each output it prints the largest difference, the output's scale (its
 * largest |value|), their ratio and where the difference is largest, and exits 1 when a
 * difference exceeds tolerance x scale.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { decodeSafetensors } from '../src/io/safetensors.js';
import type { Tensor } from '../src/tensor.js';
import { REFERENCE_OUTPUT_FORMAT } from './model-reference-output.js';

/** The line printed for one output, and whether it is within tolerance x scale. */
export function compareOutput(
  label: string,
  got: ArrayLike<number>,
  expected: Tensor,
  tolerance: number,
): { line: string; ok: boolean } {
  let worst = 0;
  let at = 0;
  let scale = 0;
  for (let i = 0; i < expected.size; i++) {
    const d = Math.abs(got[i] - expected.data[i]);
    if (!(d <= worst)) [worst, at] = [d, i];
    scale = Math.max(scale, Math.abs(expected.data[i]));
  }
  const ok = got.length === expected.size && worst <= tolerance * scale;
  const line =
    `${label} (${expected.shape.join(',')}): max |onnxruntime - convnet-ts| = ${worst.toExponential(3)}, ` +
    `output scale ${scale.toPrecision(4)}, relative ${(worst / scale).toExponential(3)} (at flat index ${at})` +
    `  ${ok ? 'ok' : `FAIL (tolerance ${tolerance} x scale)`}`;
  return { line, ok };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { tolerance: { type: 'string', default: '1e-5' } },
  });
  const [onnxFile, refFile] = positionals;
  if (positionals.length !== 2) {
    throw new Error('usage: onnx-check-reference.ts MODEL.onnx REF.safetensors [--tolerance 1e-5]');
  }
  const tolerance = Number(values.tolerance);
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(refFile)), {
    source: refFile,
  });
  if (metadata.format !== REFERENCE_OUTPUT_FORMAT) {
    throw new Error(
      `${refFile}: not a reference output (write one with model-reference-output.ts)`,
    );
  }
  const inputs = JSON.parse(metadata.inputs ?? '[]') as string[];
  const outputs = JSON.parse(metadata.outputs ?? '[]') as string[];
  const session = await ort.InferenceSession.create(onnxFile);
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of inputs) {
    const pixels = tensors.get(`pixels.${name}`);
    if (pixels === undefined) throw new Error(`${refFile}: no pixels.${name}`);
    feeds[name] = new ort.Tensor('float32', Float32Array.from(pixels.data), pixels.shape);
  }
  const results = await session.run(feeds);
  console.log(`input: ${metadata.input}`);
  let ok = true;
  for (const name of outputs) {
    const expected = tensors.get(`output.${name}`);
    const got = results[name];
    if (expected === undefined || got === undefined) {
      throw new Error(
        `output '${name}' is missing from ${expected === undefined ? refFile : onnxFile}`,
      );
    }
    const result = compareOutput(`output '${name}'`, got.data as Float32Array, expected, tolerance);
    console.log(result.line);
    ok &&= result.ok;
  }
  await session.release();
  if (!ok) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`onnx-check-reference: ${message}`);
    process.exitCode = 1;
  });
}
