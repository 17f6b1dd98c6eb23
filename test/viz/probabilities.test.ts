import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePng } from '../../src/viz/png.js';
import {
  formatPercent,
  probabilitiesHeight,
  probabilitiesPng,
} from '../../src/viz/probabilities.js';
import { distinctColors, hasColor, hexColor } from './helpers.js';

describe('probabilitiesPng', () => {
  it('draws one labelled bar per class, the top class highlighted', async () => {
    const p = [0.05, 0.8, 0.1, 0.05];
    const chart = await probabilitiesPng(p, ['zero', 'one', 'two', 'three'], {
      width: 400,
      scale: 2,
    });
    const image = decodePng(chart.png);
    assert.deepEqual([image.width, image.height], [800, 2 * probabilitiesHeight(4)]);
    assert.ok(distinctColors(image) > 20);
    assert.ok(hasColor(image, hexColor('#f58518'), 4), 'the top class is orange');
    assert.ok(hasColor(image, hexColor('#4c78a8'), 4), 'the others are blue');
  });

  it('checks its input', async () => {
    await assert.rejects(probabilitiesPng([0.5, 0.5], ['a']), /2 probabilities but 1 class names/);
    await assert.rejects(
      probabilitiesPng([0.5, NaN], ['a', 'b']),
      /probability of b must be in \[0, 1\], got NaN/,
    );
    await assert.rejects(probabilitiesPng([0.5, 0.5], ['a', 'a']), /class names must differ/);
    await assert.rejects(probabilitiesPng([], []), /no probabilities/);
  });
});

describe('formatPercent', () => {
  it('labels bars without claiming precision it lacks', () => {
    assert.deepEqual([0, 1e-5, 0.003, 0.5, 0.997, 0.9996, 1].map(formatPercent), [
      '0%',
      '<0.1%',
      '0.3%',
      '50.0%',
      '99.7%',
      '100%',
      '100%',
    ]);
  });
});
