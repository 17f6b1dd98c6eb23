/**
 * The digit-scenes sets from the embedded MNIST digits (Node): train scenes from the 8,000
 * training digits, test scenes from the 2,000 held-out digits only, so no test digit image is
 * ever seen in training. The default sizes are the issue's: 2,000 test scenes.
 */
import { mnistDataset } from '../../data/load-mnist-digits.js';
import { MNIST_CLASS_NAMES } from '../../data/mnist-digits.js';
import type { InMemoryDataset } from '../../data/dataset.js';
import { makeScenes, type DigitScenesOptions, type Scene } from './digit-scenes.js';

export type DigitScenesSplit = 'train' | 'test';

export const DIGIT_SCENES_CLASS_NAMES = MNIST_CLASS_NAMES;
export const DIGIT_SCENES_DEFAULT_COUNT: Readonly<Record<DigitScenesSplit, number>> = {
  train: 8_000,
  test: 2_000,
};
/** Train and test sets differ in digits and in seed (test scenes are seeded seed + 1). */
const TEST_SEED_OFFSET = 1;

let cached: { train: InMemoryDataset; test: InMemoryDataset } | null = null;

/** The digits a split's scenes are made from (the embedded split, loaded once). */
export function digitSceneDigits(split: DigitScenesSplit): InMemoryDataset {
  cached ??= mnistDataset();
  return cached[split];
}

/** `count` scenes of one split (default 8,000 train / 2,000 test). */
export function digitScenes(
  split: DigitScenesSplit,
  count = DIGIT_SCENES_DEFAULT_COUNT[split],
  options: DigitScenesOptions = {},
): Scene[] {
  const digits = digitSceneDigits(split);
  const seed = (options.seed ?? 0) + (split === 'test' ? TEST_SEED_OFFSET : 0);
  return makeScenes(digits, count, { ...options, seed });
}
