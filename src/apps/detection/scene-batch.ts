/**
 * Scenes to tensors: a batch of same-size grayscale scenes as images (B, 1, H, W) and the
 * CenterNet targets of their boxes as float32 tensors (targets.ts).
 */
import { Tensor } from '../../tensor.js';
import type { Scene } from './digit-scenes.js';
import type { DetectionTargetTensors } from './losses.js';
import { detectionTargets } from './targets.js';

/** (B, 1, H, W) pixels of the scenes, which must share one size. */
export function scenesToImages(scenes: readonly Scene[]): Tensor {
  if (scenes.length === 0) throw new RangeError('scenesToImages: no scenes');
  const { width, height } = scenes[0];
  const images = Tensor.zeros([scenes.length, 1, height, width]);
  scenes.forEach((s, i) => {
    if (s.width !== width || s.height !== height) {
      throw new RangeError(
        `scenesToImages: scene ${i} is ${s.width}x${s.height}, scene 0 is ${width}x${height}`,
      );
    }
    images.data.set(s.pixels, i * width * height);
  });
  return images;
}

/** The targets of the scenes' boxes, as tensors for detectionLoss. */
export function sceneTargets(scenes: readonly Scene[], numClasses: number): DetectionTargetTensors {
  const { width, height } = scenes[0];
  const t = detectionTargets(
    scenes.map((s) => s.objects),
    [height, width],
    numClasses,
  );
  const B = scenes.length;
  const { OH, OW } = t;
  return {
    heatmap: new Tensor(t.heatmap, [B, numClasses, OH, OW]),
    size: new Tensor(t.size, [B, 2, OH, OW]),
    offset: new Tensor(t.offset, [B, 2, OH, OW]),
    mask: new Tensor(t.mask, [B, 1, OH, OW]),
    numObjects: t.numObjects,
  };
}
