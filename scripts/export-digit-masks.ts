/**
 * Writes the digit-masks train and test sets as folders of PNG pairs, for the PyTorch parity
 * script (scripts/torch-segmentation-parity.py) and for any tool that reads image/mask folders:
 *
 *   node --import tsx scripts/export-digit-masks.ts [OUT] [--train-size N] [--test-size N] [--seed N]
 *
 *   OUT/train/images/000000.png ...  OUT/train/masks/000000.png ...  OUT/train/classes.json
 *   OUT/test/...
 *
 * The same options as `convnet train --task segmentation` give the same scenes (OUT defaults to
 * data/digit-masks; sizes default to that command's, 6000 and 1000; seed 0).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { digitMasksSplits } from '../src/apps/segmentation/digit-masks-node.js';
import { writeSegmentationFolder } from '../src/apps/segmentation/pair-folder.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'train-size': { type: 'string', default: '6000' },
    'test-size': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '0' },
  },
});
const out = positionals[0] ?? 'data/digit-masks';
const count = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`--${name}: expected an integer >= 0, got '${text}'`);
  return n;
};
const { train, test } = digitMasksSplits({
  trainSize: count('train-size', values['train-size']),
  testSize: count('test-size', values['test-size']),
  seed: count('seed', values.seed),
});
for (const [name, set] of [
  ['train', train],
  ['test', test],
] as const) {
  writeSegmentationFolder(join(out, name), set);
  process.stdout.write(`${join(out, name)}: ${set.length} image/mask pairs\n`);
}
