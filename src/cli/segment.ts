/**
 * `convnet segment --model DIR IMAGE --out FILE`: gives every pixel of an image a class with a
 * trained segmenter (convnet train --task segmentation) and writes a picture of it: the image
 * tinted by class beside a legend of the classes present (default), the raw class mask as an
 * 8-bit grayscale PNG (--raw: pixel value = class), or JSON on stdout (--json: the mask's rows
 * and each class's pixel count). Images of any size are padded to the model's stride and
 * cropped back (src/apps/segmentation/segment.ts).
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { encodeMaskPng } from '../apps/segmentation/mask-png.js';
import { renderOverlayPng } from '../apps/segmentation/overlay.js';
import { segmentImage } from '../apps/segmentation/segment.js';
import { loadSegmenter } from '../apps/segmentation/segmenter-model.js';
import { loadImage } from '../data/image-folder.js';
import { selectBackend, type BackendChoice } from '../train/run.js';
import { withBackendOptions, type CliOutput } from './options.js';

interface SegmentFlags {
  model: string;
  out?: string;
  raw: boolean;
  json: boolean;
  threads?: number;
  backend: BackendChoice;
}

/** `convnet segment`. */
export function segmentCommand(output: CliOutput): Command {
  return withBackendOptions(
    new Command('segment')
      .description(
        'give every pixel of an image a class with a trained segmenter: a colour overlay with a legend, a raw mask or JSON',
      )
      .argument('<image>', 'a PNG or JPEG file, of whatever size')
      .requiredOption(
        '--model <dir>',
        'a segmenter: the directory written by convnet train --task segmentation, or its model.safetensors',
      )
      .option('--out <file>', 'the PNG to write (an overlay with a legend, or with --raw the mask)')
      .option('--raw', 'write the class mask itself: 8-bit grayscale, pixel value = class', false)
      .option('--json', 'print the mask and class counts as JSON on stdout', false),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  convnet segment --model runs/digit-masks-unet-lite scene.png --out scene-classes.png\n  convnet segment --model runs/digit-masks-unet-lite scene.png --raw --out mask.png\n  convnet segment --model runs/digit-masks-unet-lite scene.png --json',
    )
    .action(async function (this: Command, image: string) {
      const flags = this.opts<SegmentFlags>();
      if (flags.out === undefined && !flags.json) {
        throw new Error('give --out FILE for the picture (or --json to print the mask)');
      }
      const backend = await selectBackend(flags.backend, flags.threads);
      try {
        const { model, spec, stride, dir: path } = await loadSegmenter(flags.model);
        const channels = model.inputs[0].shape[0];
        if (channels !== 1 && channels !== 3) {
          throw new Error(`${path}: the model takes ${channels} channels; images have 1 or 3`);
        }
        const { pixels, shape } = loadImage(image, { channels });
        const [, H, W] = shape;
        const { mask } = segmentImage(model, pixels, [channels, H, W], { stride });
        const counts = spec.classNames.map(() => 0);
        for (const k of mask) counts[k]++;
        if (flags.out !== undefined) {
          const bytes = flags.raw
            ? encodeMaskPng(mask, W, H)
            : await renderOverlayPng(pixels, [channels, H, W], mask, spec.classNames);
          writeFileSync(flags.out, bytes);
        }
        if (flags.json) {
          const rows = Array.from({ length: H }, (_, r) =>
            Array.from(mask.subarray(r * W, (r + 1) * W)),
          );
          output.stdout.write(
            `${JSON.stringify({ image, width: W, height: H, classNames: spec.classNames, pixels: counts, mask: rows })}\n`,
          );
          return;
        }
        const present = counts
          .map((n, k) => [spec.classNames[k], n] as const)
          .filter(([, n]) => n > 0)
          .map(([name, n]) => `${name} ${((100 * n) / mask.length).toFixed(1)}%`);
        output.stdout.write(`${image}: ${W}x${H}, ${present.join(', ')}; wrote ${flags.out}\n`);
      } finally {
        backend.dispose();
      }
    });
}
