/**
 * A convnet-ts model served by ONNX Runtime alone: no convnet-ts code runs here. Export a
 * trained model, then classify PNG images with onnxruntime-node:
 *
 *   npx convnet train --epochs 1 --limit-train 2000 --out runs/leave
 *   npx convnet export --model runs/leave --out model.onnx
 *   node --import tsx examples/onnx-runtime.ts model.onnx examples/images/digit-7.png
 *   # digit-7.png: 7 94.8%, 3 4.0%, 9 0.6%        (convnet predict: 7 94.83%, 3 4.00%, 9 0.63%)
 *
 * The exported model takes pixels in [0,1], (N,C,H,W) with a free batch axis N: the model
 * file's normalisation is its first two nodes (src/io/onnx/export-onnx.ts). So an image is
 * only decoded (pngjs), made gray (luma) or RGB as the model's C asks, and divided by 255; it
 * must already have the model's H x W (`convnet predict` also resizes, centres MNIST digits and
 * inverts dark-on-light images; see docs/training.md). All images go in one batch.
 *
 * The class names come from the model's metadata, metadata_props 'class_names' (a JSON array):
 * ONNX Runtime for Node does not expose metadata, so the ModelProto's field 14 is read with
 * protobufjs, a schema of two messages from onnx.proto's field numbers.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import protobuf from 'protobufjs/light.js';

const CLASS_NAMES_KEY = 'class_names';

// ModelProto.metadata_props = 14; StringStringEntryProto.key = 1, .value = 2. Every other
// field of the model is skipped by the decoder.
const ModelMetadata = protobuf.Root.fromJSON({
  nested: {
    ModelMetadata: {
      fields: { metadataProps: { rule: 'repeated', type: 'Entry', id: 14 } },
    },
    Entry: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
  },
}).lookupType('ModelMetadata');

interface Entry {
  key?: string;
  value?: string;
}

/** The class names in an ONNX model's metadata, or '0', '1', ... when it has none. */
function classNames(onnx: Uint8Array, classes: number): string[] {
  const { metadataProps = [] } = ModelMetadata.toObject(ModelMetadata.decode(onnx)) as {
    metadataProps?: Entry[];
  };
  const entry = metadataProps.find((p) => p.key === CLASS_NAMES_KEY);
  const names: unknown = entry?.value === undefined ? null : JSON.parse(entry.value);
  if (Array.isArray(names) && names.length === classes) return names.map(String);
  return Array.from({ length: classes }, (_, k) => String(k));
}

/** A PNG as (C,H,W) pixels in [0,1]: luma for one channel, RGB for three. */
function pngPixels(file: string, [C, H, W]: number[]): Float32Array {
  const png = PNG.sync.read(readFileSync(file));
  if (png.height !== H || png.width !== W) {
    throw new Error(`${file}: ${png.width}x${png.height}, the model takes ${W}x${H}: resize it`);
  }
  const plane = H * W;
  const x = new Float32Array(C * plane);
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = png.data.subarray(4 * p, 4 * p + 3);
    if (C === 1) x[p] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    else for (let c = 0; c < 3; c++) x[c * plane + p] = [r, g, b][c] / 255;
  }
  return x;
}

function softmax(row: Float32Array): number[] {
  const max = Math.max(...row);
  const e = Array.from(row, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

async function main(): Promise<void> {
  const [modelFile, ...images] = process.argv.slice(2);
  if (modelFile === undefined || images.length === 0) {
    throw new Error('usage: onnx-runtime.ts MODEL.onnx IMAGE.png...');
  }
  const onnx = new Uint8Array(readFileSync(modelFile));
  const session = await ort.InferenceSession.create(onnx);
  const input = session.inputMetadata[0];
  if (!input.isTensor || input.shape.length !== 4) {
    throw new Error(`${modelFile}: expected an image input (N,C,H,W)`);
  }
  const [, C, H, W] = input.shape.map(Number);
  const pixels = new Float32Array(images.length * C * H * W);
  images.forEach((file, n) => pixels.set(pngPixels(file, [C, H, W]), n * C * H * W));
  const feeds = { [input.name]: new ort.Tensor('float32', pixels, [images.length, C, H, W]) };
  const results = await session.run(feeds);
  const scores = results[session.outputNames[0]];
  const K = Number(scores.dims[1]);
  const names = classNames(onnx, K);
  const data = scores.data as Float32Array;
  images.forEach((file, n) => {
    const top = softmax(data.subarray(n * K, (n + 1) * K))
      .map((p, k) => ({ name: names[k], p }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 3);
    console.log(
      `${basename(file)}: ${top.map((t) => `${t.name} ${(100 * t.p).toFixed(1)}%`).join(', ')}`,
    );
  });
  await session.release();
}

main().catch((error: unknown) => {
  console.error(`onnx-runtime: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
