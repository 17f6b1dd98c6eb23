import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SPLIT_COLORS,
  confusionMatrixPng,
  confusionMatrixSize,
  trainingCurvesPng,
  type CurveRecord,
} from '../../src/viz/charts.js';
import { decodePng } from '../../src/viz/png.js';
import { distinctColors, hasColor, hexColor } from './helpers.js';

const history: CurveRecord[] = [1, 2, 3, 4].map((epoch) => ({
  epoch,
  trainLoss: 1.5 / epoch,
  testLoss: 1.6 / epoch,
  trainAccuracy: 1 - 0.4 / epoch,
  testAccuracy: 1 - 0.45 / epoch,
}));

describe('trainingCurvesPng', () => {
  it('draws loss and accuracy panels side by side at the requested size', async () => {
    const chart = await trainingCurvesPng(history, { panelWidth: 300, panelHeight: 200, scale: 2 });
    const image = decodePng(chart.png);
    assert.deepEqual([image.width, image.height], [1200, 400]);
    assert.deepEqual([chart.width, chart.height], [1200, 400]);
    assert.ok(distinctColors(image) > 20, 'not constant');
    assert.ok(hasColor(image, hexColor(SPLIT_COLORS.train)), 'the train line is drawn');
    assert.ok(hasColor(image, hexColor(SPLIT_COLORS.test)), 'the test line is drawn');
  });

  it('takes a single epoch and a diverged one', async () => {
    const one = await trainingCurvesPng(history.slice(0, 1), { scale: 1 });
    assert.deepEqual([one.width, one.height], [800, 280]);
    const diverged = [...history, { ...history[3], epoch: 5, trainLoss: NaN, testLoss: Infinity }];
    const chart = await trainingCurvesPng(diverged, { scale: 1 });
    assert.equal(decodePng(chart.png).width, 800);
  });

  it('refuses an empty history', async () => {
    await assert.rejects(trainingCurvesPng([]), /no epochs/);
  });
});

describe('confusionMatrixPng', () => {
  const names = ['cat', 'dog', 'bird'];
  const counts = [
    [50, 3, 0],
    [4, 40, 6],
    [0, 0, 20],
  ];

  it('draws a heat map of the size confusionMatrixSize gives', async () => {
    const chart = await confusionMatrixPng(counts, names, { scale: 2 });
    const image = decodePng(chart.png);
    const size = confusionMatrixSize(3, 4);
    assert.deepEqual([image.width, image.height], [2 * size.width, 2 * size.height]);
    assert.ok(distinctColors(image) > 20);
    // The darkest cell colour (share 1) and the lightest (share 0) are both used.
    assert.ok(hasColor(image, [8, 48, 107], 12), 'a full diagonal cell is dark blue');
  });

  it('grows with the classes', () => {
    const ten = confusionMatrixSize(10, 1);
    const three = confusionMatrixSize(3, 1);
    assert.ok(ten.width > three.width && ten.height > three.height);
  });

  it('checks the matrix against the class names', async () => {
    await assert.rejects(confusionMatrixPng(counts, ['a', 'b']), /3 rows but 2 class names/);
    await assert.rejects(
      confusionMatrixPng([[1, 2], [3]], ['a', 'b']),
      /row 1 has 1 columns, expected 2/,
    );
    await assert.rejects(
      confusionMatrixPng(
        [
          [1, -2],
          [3, 4],
        ],
        ['a', 'b'],
      ),
      /counts\[0\]\[1\] must be a count >= 0, got -2/,
    );
  });
});
