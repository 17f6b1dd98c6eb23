/**
 * Metrics: argmax of a vector and over rows (ties to the lowest class, NaN never wins), the
 * count of correct predictions, accuracy, and the confusion matrix's counts, per-class
 * accuracy, JSON and table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfusionMatrix,
  accuracy,
  argmax,
  argmaxRows,
  countCorrect,
} from '../../src/train/metrics.js';

describe('argmax', () => {
  it('takes the first of ties; NaN never wins', () => {
    assert.equal(argmax([0.1, 0.4, 0.4, 0.1]), 1);
    assert.equal(argmax([NaN, 0.2, 0.3]), 2);
    assert.equal(argmax([NaN, NaN]), 0);
  });

  it('looks only at the K values from offset', () => {
    const values = Float32Array.from([9, 1, 3, 2, 9]);
    assert.equal(argmax(values, 1, 3), 1);
    assert.equal(argmax(values, 3), 1);
  });
});

describe('argmaxRows', () => {
  it("picks each row's largest logit; ties go to the lowest class; NaN never wins", () => {
    const logits = Float32Array.from([0.1, 2, -1, 5, 5, 1, NaN, 0, -3, -7, -8, -9]);
    const out = new Int32Array(4);
    argmaxRows(logits, 4, 3, out);
    assert.deepEqual([...out], [1, 0, 1, 0]);
  });

  it('rejects mismatched sizes', () => {
    assert.throws(
      () => argmaxRows(new Float32Array(5), 2, 3, new Int32Array(2)),
      /logits \(2,3\) need 6/,
    );
  });
});

describe('countCorrect', () => {
  it('counts the rows whose argmax is the label', () => {
    const logits = Float32Array.from([0.1, 2, -1, 5, 5, 1, NaN, 0, -3, -7, -8, -9]);
    assert.equal(countCorrect(logits, [1, 0, 2, 0], 3), 3);
    assert.equal(countCorrect(logits, Int32Array.from([0, 1, 0, 1]), 3), 0);
  });

  it('rejects mismatched sizes', () => {
    assert.throws(() => countCorrect(new Float32Array(5), [0, 1], 3), /logits \(2,3\) need 6/);
  });
});

describe('ConfusionMatrix', () => {
  const labels = [0, 0, 0, 1, 1, 2, 2, 2];
  const predictions = [0, 0, 1, 1, 2, 2, 2, 0];

  it('counts (true, predicted) pairs and derives accuracy per class', () => {
    const m = new ConfusionMatrix(4);
    m.add(labels.slice(0, 4), predictions.slice(0, 4));
    m.add(labels.slice(4), predictions.slice(4));
    assert.equal(m.total, 8);
    assert.equal(m.correct, 5);
    assert.equal(m.accuracy, 5 / 8);
    assert.equal(accuracy(labels, predictions), 5 / 8);
    assert.equal(m.count(2, 0), 1);
    assert.equal(m.count(0, 1), 1);
    assert.deepEqual(m.perClassAccuracy(), [2 / 3, 1 / 2, 2 / 3, null]);
    const json = m.toJson();
    assert.deepEqual(json.counts[0], [2, 1, 0, 0]);
    assert.equal(json.accuracy, 5 / 8);
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });

  it('formats per-class accuracy and the matrix with class names', () => {
    const m = new ConfusionMatrix(3);
    m.add(labels, predictions);
    const text = m.format(['cat', 'dog', 'bird']);
    assert.match(text, /^class\s+accuracy\s+images$/m);
    assert.match(text, /^cat\s+66\.67%\s+3$/m);
    assert.match(text, /^dog\s+50\.00%\s+2$/m);
    assert.match(text, /rows: true class, columns: predicted class/);
    assert.match(text, /^bird\s+1 0 2$/m);
    assert.match(text, /columns: 0 = cat, 1 = dog, 2 = bird/);
  });

  it('rejects labels or predictions outside the classes', () => {
    const m = new ConfusionMatrix(3);
    assert.throws(
      () => m.add([0, 3], [0, 0]),
      /pair 1 \(label 3, prediction 0\) is outside the 3 classes/,
    );
    assert.throws(() => m.add([0], [0, 1]), /1 labels but 2 predictions/);
    assert.equal(m.total, 0);
  });
});
