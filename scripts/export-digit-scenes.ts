/**
 * Writes digit-scenes train and test sets as COCO folders (for other tools, and for
 * scripts/torch-detection-parity.py):
 *
 *   node --import tsx scripts/export-digit-scenes.ts OUT_DIR [TRAIN_COUNT] [TEST_COUNT] [SEED]
 *
 * gives OUT_DIR/train and OUT_DIR/test, each annotations.json + images/*.png. The scenes are
 * the ones `convnet train --task detection` trains and evaluates on with the same counts and seed.
 */
import { join } from 'node:path';
import { writeCocoFolder } from '../src/apps/detection/coco-folder.js';
import { DIGIT_SCENES_CLASS_NAMES, digitScenes } from '../src/apps/detection/load-digit-scenes.js';

const [out, trainCount = '8000', testCount = '2000', seed = '0'] = process.argv.slice(2);
if (out === undefined) {
  process.stderr.write('usage: export-digit-scenes.ts OUT_DIR [TRAIN_COUNT] [TEST_COUNT] [SEED]\n');
  process.exit(2);
}
for (const [split, count] of [
  ['train', Number(trainCount)],
  ['test', Number(testCount)],
] as const) {
  const scenes = digitScenes(split, count, { seed: Number(seed) });
  writeCocoFolder(join(out, split), scenes, DIGIT_SCENES_CLASS_NAMES);
  process.stdout.write(
    `${join(out, split)}: ${scenes.length} scenes, ${scenes.reduce((n, s) => n + s.objects.length, 0)} digits\n`,
  );
}
