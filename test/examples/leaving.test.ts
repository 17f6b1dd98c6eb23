/**
 * docs/leaving.md's tools, the parts that need no Python: examples/onnx-runtime.ts classifies
 * images with onnxruntime-node alone and names the classes the model file gave; the reference
 * output (scripts/model-reference-output.ts) holds the file layout that
 * scripts/torch-from-model-file.py --check reads, with convnet-ts's outputs bitwise; and
 * scripts/onnx-check-reference.ts finds the exported model within 1e-5 of it (and fails a
 * difference). The PyTorch side runs as the documented command (docs/leaving.md), not here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { loadImage } from '../../src/data/image-folder.js';
import { encodeModelFile } from '../../src/io/model-file.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { buildPreset } from '../../src/nn/preset-table.js';
import { Tensor } from '../../src/tensor.js';
import { exportTrainedModel } from '../../src/train/onnx-files.js';
import { compareOutput } from '../../scripts/onnx-check-reference.js';
import { REFERENCE_OUTPUT_FORMAT, referenceOutput } from '../../scripts/model-reference-output.js';
import { perturb } from '../io/onnx/onnx-graphs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'convnet-leaving-'));
after(() => rmSync(work, { recursive: true, force: true }));

const CLASS_NAMES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
];
const normalize = { mean: [0.1307], std: [0.3081] };
const model = perturb(buildPreset('seed-net', { seed: 7 }), 8).eval();
const modelFile = join(work, 'model.safetensors');
writeFileSync(
  modelFile,
  encodeModelFile({ name: 'seed-net', classNames: CLASS_NAMES, normalize }, model),
);
const onnxFile = join(work, 'model.onnx');
const images = ['digit-7.png', 'digit-3.png'].map((f) => join(root, 'examples', 'images', f));

function runTsx(script: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Our top class and its probability for an image fed as is (pixels in [0,1], normalised). */
function ourTop(file: string): { name: string; percent: number } {
  const { pixels, shape } = loadImage(file, { channels: 1 });
  const x = Float32Array.from(pixels, (v) => (v - normalize.mean[0]) / normalize.std[0]);
  const logits = noGrad(() => model.forward(new Tensor(x, [1, ...shape]))).toArray();
  const max = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - max));
  const k = logits.indexOf(max);
  return { name: CLASS_NAMES[k], percent: (100 * e[k]) / e.reduce((a, b) => a + b, 0) };
}

describe('leaving the project (docs/leaving.md)', () => {
  it('examples/onnx-runtime.ts names the class convnet-ts predicts, from the metadata', async () => {
    await exportTrainedModel(modelFile, onnxFile);
    const { status, output } = runTsx('examples/onnx-runtime.ts', [onnxFile, ...images]);
    assert.equal(status, 0, output);
    const lines = output.trim().split('\n');
    assert.equal(lines.length, images.length, output);
    images.forEach((file, i) => {
      const match = /^(\S+): (\S+) ([\d.]+)%, \S+ [\d.]+%, \S+ [\d.]+%$/.exec(lines[i]);
      assert.ok(match !== null, `line ${i}: ${lines[i]}`);
      const expected = ourTop(file);
      assert.equal(match[1], file.split('/').at(-1));
      assert.equal(match[2], expected.name, lines[i]);
      assert.ok(Math.abs(Number(match[3]) - expected.percent) <= 0.051, lines[i]);
    });
  });

  it('scripts/model-reference-output.ts writes what torch-from-model-file.py --check reads', async () => {
    const refFile = join(work, 'ref.safetensors');
    const run = runTsx('scripts/model-reference-output.ts', [
      modelFile,
      '--seed',
      '3',
      '--batch',
      '2',
      '--out',
      refFile,
    ]);
    assert.equal(run.status, 0, run.output);
    // The layout the Python script reads by hand: 8-byte little-endian header length, JSON
    // header with string metadata, F32 tensors named pixels./input./output.<name>.
    const bytes = readFileSync(refFile);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const meta = header.__metadata__;
    assert.equal(meta.format, REFERENCE_OUTPUT_FORMAT);
    assert.deepEqual(JSON.parse(String(meta.inputs)), ['input']);
    assert.deepEqual(JSON.parse(String(meta.outputs)), model.outputs);
    const out = `output.${model.outputs[0]}`;
    assert.deepEqual(Object.keys(header).sort(), [
      '__metadata__',
      'input.input',
      out,
      'pixels.input',
    ]);
    assert.deepEqual(header['pixels.input'], {
      dtype: 'F32',
      shape: [2, 1, 28, 28],
      data_offsets: header['pixels.input'].data_offsets,
    });

    // The file holds what convnet-ts computes: the normalised pixels and the graph's output,
    // bitwise, the same as referenceOutput() in this process.
    const { tensors } = decodeSafetensors(new Uint8Array(bytes), { source: refFile });
    const pixels = tensors.get('pixels.input');
    const input = tensors.get('input.input');
    assert.ok(pixels !== undefined && input !== undefined);
    assert.ok(pixels.data.every((v) => v >= 0 && v < 1));
    const expectedInput = pixels.data.map((v) => Math.fround((v - 0.1307) * (1 / 0.3081)));
    assert.deepEqual([...input.data], [...expectedInput]);
    const y = noGrad(() => model.forward(input));
    assert.deepEqual(tensors.get(out)?.toArray(), y.toArray());
    const again = await referenceOutput(modelFile, { seed: 3, batch: 2 });
    for (const [name, t] of again.tensors)
      assert.deepEqual(tensors.get(name)?.toArray(), t.toArray(), name);

    // onnxruntime-node on the exported model agrees within 1e-5 of the output's scale.
    await exportTrainedModel(modelFile, onnxFile);
    const check = runTsx('scripts/onnx-check-reference.ts', [onnxFile, refFile]);
    assert.equal(check.status, 0, check.output);
    assert.match(
      check.output,
      /output 'classifier\.3' \(2,10\): max \|onnxruntime - convnet-ts\| = .* ok/,
    );
  });

  it('onnx-check-reference fails an output that differs by more than the tolerance', () => {
    const expected = Tensor.from([1, -4, 2], [1, 3]);
    assert.equal(compareOutput('y', [1, -4, 2], expected, 1e-5).ok, true);
    const off = compareOutput('y', [1, -4 + 1e-3, 2], expected, 1e-5);
    assert.equal(off.ok, false);
    assert.match(
      off.line,
      /max \|onnxruntime - convnet-ts\| = 1\.000e-3, output scale 4\.000.* \(at flat index 1\)  FAIL/,
    );
  });
});
