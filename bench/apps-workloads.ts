/**
 * The applications' workloads of `npm run bench:apps` (bench/apps.ts) on our fast backend, and
 * the same data written for PyTorch's side (scripts/torch-apps-bench.py):
 *
 *   train digit-detector bB   a training step as trainDetector runs it (createDetectorStep: in
 *                             runStep, forward, CenterNet loss with its targets, backward, clip
 *                             at 10, Adam lr 1e-4) on B digit-scenes
 *   detect digit-detector b1  one 96x96 scene as `convnet detect` runs it: in runStep, eval
 *                             mode without a graph, decode (3x3 peaks, top 100), class-wise NMS;
 *                             the model frozen (Module.freeze), as a program detecting image
 *                             after image holds it
 *   train unet-lite bB        U-Net-lite as DIGIT_MASKS_RECIPE builds it (base 8, depth 4,
 *                             transposed-convolution decoder) on B digit-masks padded to 64x96: in
 *                             runStep, forward, ce+dice, backward, Adam lr 1e-4
 *   segment unet-lite b1      segmentImage on one 64x84 image: padded to 64x96 and cropped back,
 *                             in runStep, the argmax mask; the model frozen (Module.freeze), as
 *                             a program segmenting image after image holds it
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad } from '../src/autograd.js';
import { decodeDetections } from '../src/apps/detection/decode.js';
import { digitDetector } from '../src/apps/detection/digit-detector.js';
import { digitScenes } from '../src/apps/detection/load-digit-scenes.js';
import { scenesToImages } from '../src/apps/detection/scene-batch.js';
import { createDetectorStep } from '../src/apps/detection/detector-step.js';
import { segmentationLoss } from '../src/apps/segmentation/dice-loss.js';
import { DIGIT_MASKS_RECIPE } from '../src/apps/segmentation/digit-masks-recipe.js';
import { generateDigitMasks } from '../src/apps/segmentation/digit-masks.js';
import { padImages, segmentImage } from '../src/apps/segmentation/segment.js';
import { IGNORE_INDEX } from '../src/apps/segmentation/segmentation-set.js';
import { unetLite, unetLiteStride } from '../src/apps/segmentation/unet-lite.js';
import { mnistDataset } from '../src/data/load-mnist-digits.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import { Adam } from '../src/optim/adam.js';
import { Tensor } from '../src/tensor.js';

/** A workload: its printed name, images per run, and one run. */
export interface AppWorkload {
  name: string;
  images: number;
  run: () => void;
}

const DETECTOR_CLASSES = 10;
const DETECTOR_SIDE = 96;
/** U-Net-lite as `convnet train --task segmentation` builds it by default. */
export const UNET = {
  base: DIGIT_MASKS_RECIPE.base,
  depth: DIGIT_MASKS_RECIPE.depth,
  up: DIGIT_MASKS_RECIPE.up,
};

/** The detector's step and batch-1 detection; their data is written to `dir` for PyTorch. */
export function detectorWorkloads(backend: WasmBackend, batch: number, dir: string): AppWorkload[] {
  const scenes = digitScenes('train', batch);
  const images = scenesToImages(scenes);
  const one = scenesToImages(scenes.slice(0, 1));
  const model = backend.resident(() => digitDetector({ width: 32 }));
  const optimizer = new Adam(model.parameters(), { lr: 1e-4 });
  const step = createDetectorStep({ model, optimizer, numClasses: DETECTOR_CLASSES });
  writeFileSync(join(dir, 'detector.f32'), images.data as Float32Array);
  const boxes = scenes.map((s) =>
    s.objects.map(({ box, label }) => ({ box: [box.x1, box.y1, box.x2, box.y2], label })),
  );
  writeFileSync(join(dir, 'detector.json'), JSON.stringify(boxes));
  return [
    {
      name: `train digit-detector b${batch}`,
      images: batch,
      run() {
        model.unfreeze().train();
        const result = step(images, scenes);
        if (result.failed !== null) throw new Error(`detector step: non-finite ${result.failed}`);
      },
    },
    {
      name: 'detect digit-detector b1',
      images: 1,
      run() {
        model.freeze();
        backend.runStep([], () =>
          noGrad(() => {
            const out = model.run(one);
            const get = (name: string) => out.get(name) as Tensor;
            decodeDetections(
              { heatmap: get('heatmap'), size: get('size'), offset: get('offset') },
              { scoreThreshold: 0.3, imageSize: [DETECTOR_SIDE, DETECTOR_SIDE] },
            );
          }),
        );
      },
    },
  ];
}

/** U-Net-lite's step and batch-1 segmentation; their data is written to `dir` for PyTorch. */
export function segmenterWorkloads(
  backend: WasmBackend,
  batch: number,
  dir: string,
): { workloads: AppWorkload[]; shape: [number, number, number, number]; classes: number } {
  const set = generateDigitMasks(mnistDataset().train, { seed: 0, count: batch });
  const [C, H, W] = set.imageShape;
  const stride = unetLiteStride(UNET.depth);
  const PH = Math.ceil(H / stride) * stride;
  const PW = Math.ceil(W / stride) * stride;
  const K = set.classNames.length;
  const padded = padImages(set.images, [batch, C, H, W], [PH, PW]);
  const labels = new Int32Array(batch * PH * PW).fill(IGNORE_INDEX);
  for (let n = 0; n < batch; n++) {
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) labels[(n * PH + r) * PW + c] = set.masks[(n * H + r) * W + c];
    }
  }
  writeFileSync(join(dir, 'segmenter.f32'), padded);
  writeFileSync(join(dir, 'segmenter.i32'), labels);
  const images = new Tensor(padded, [batch, C, PH, PW]);
  const model = backend.resident(() =>
    unetLite({ numClasses: K, inChannels: C, ...UNET, imageSize: [PH, PW] }),
  );
  const params = model.parameters();
  const optimizer = new Adam(params, { lr: 1e-4 });
  const one = set.images.subarray(0, C * H * W);
  const workloads: AppWorkload[] = [
    {
      name: `train unet-lite b${batch}`,
      images: batch,
      run() {
        model.unfreeze().train();
        const loss = backend.runStep(params, () => {
          optimizer.zeroGrad();
          const value = segmentationLoss(model.forward(images), labels, { loss: 'ce+dice' });
          const total = value.item();
          value.backward();
          optimizer.step();
          optimizer.zeroGrad();
          return total;
        });
        if (!Number.isFinite(loss)) throw new Error(`unet-lite step: loss ${loss}`);
      },
    },
    {
      name: 'segment unet-lite b1',
      images: 1,
      run() {
        model.freeze();
        segmentImage(model, one, [C, H, W], { stride });
      },
    },
  ];
  return { workloads, shape: [batch, C, PH, PW], classes: K };
}
