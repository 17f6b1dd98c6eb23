import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose } from '../../src/check/compare.js';
import { crossEntropy, permute, reshape, type Reduction } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

/** -log softmax(row)[label], computed directly. */
function nll(row: number[], label: number): number {
  const total = row.reduce((s, z) => s + Math.exp(z), 0);
  return Math.log(total) - row[label];
}

describe('crossEntropy op', () => {
  const rows = [
    [1, 2, 0.5],
    [0, -1, 3],
    [2, 2, -2],
    [0.3, 0.1, 0.2],
  ];
  const logits = Tensor.from(rows.flat(), [4, 3], 'float64');
  const labels = [0, -100, 2, 1];
  const weight = Tensor.from([1, 2, 3], [3], 'float64');

  it('weights each position by its class and divides the mean by the total weight (PyTorch)', () => {
    const expected =
      (1 * nll(rows[0], 0) + 3 * nll(rows[2], 2) + 2 * nll(rows[3], 1)) / (1 + 3 + 2);
    const loss = crossEntropy(logits, labels, { weight });
    assert.deepEqual(loss.shape, []);
    assertClose([loss.item()], [expected], { rtol: 1e-15 }, 'weighted mean');
    const unweighted = (nll(rows[0], 0) + nll(rows[2], 2) + nll(rows[3], 1)) / 3;
    assertClose([crossEntropy(logits, labels).item()], [unweighted], { rtol: 1e-15 }, 'mean');
  });

  it("reduction 'sum' and 'none', with zero loss at ignored positions", () => {
    const none = crossEntropy(logits, labels, { weight, reduction: 'none' });
    assert.deepEqual(none.shape, [4]);
    assertClose(
      none.data,
      [nll(rows[0], 0), 0, 3 * nll(rows[2], 2), 2 * nll(rows[3], 1)],
      { rtol: 1e-15 },
      'none',
    );
    const total = crossEntropy(logits, labels, { weight, reduction: 'sum' });
    assertClose(
      [total.item()],
      [none.toArray().reduce((s, v) => s + v, 0)],
      { rtol: 1e-15 },
      'sum',
    );
  });

  it('ignores a class index too, when it is the ignore index', () => {
    const loss = crossEntropy(logits, [0, 1, 2, 1], { ignoreIndex: 1 });
    assertClose([loss.item()], [(nll(rows[0], 0) + nll(rows[2], 2)) / 2], { rtol: 1e-15 }, 'mean');
  });

  it('gives NaN for the mean of all-ignored positions (0/0, as PyTorch) and 0 for the sum', () => {
    assert.ok(Number.isNaN(crossEntropy(logits, [-100, -100, -100, -100]).item()));
    const x = leaf(new Rng(1), [2, 3]);
    const total = crossEntropy(x, [-100, -100], { reduction: 'sum' });
    assert.equal(total.item(), 0);
    total.backward();
    assert.deepEqual(x.grad?.toArray(), [0, 0, 0, 0, 0, 0]);
  });

  it('is the mean of logsumexp(row) - row[label] on plain (N,K) labels', () => {
    const labels = [0, 1, 2, 1];
    let expected = 0;
    for (let n = 0; n < 4; n++) {
      const row = Array.from(logits.data.subarray(n * 3, n * 3 + 3));
      expected += Math.log(row.reduce((sum, z) => sum + Math.exp(z), 0)) - row[labels[n]];
    }
    expected /= 4;
    assertClose([crossEntropy(logits, [0, 1, 2, 1]).item()], [expected], { rtol: 1e-15 }, 'loss');
  });

  it('per-pixel (N,C,H,W) logits equal the (N*H*W, C) rows they hold', () => {
    const rng = new Rng(2);
    const pixels = Tensor.randn([2, 3, 2, 4], rng, 2, 'float64');
    const pixelLabels = Int32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 255 : i % 3));
    const asRows = reshape(permute(pixels, [0, 2, 3, 1]), [16, 3]);
    for (const reduction of ['mean', 'sum', 'none'] as Reduction[]) {
      const options = { weight, ignoreIndex: 255, reduction };
      const perPixel = crossEntropy(pixels, pixelLabels, options);
      const flat = crossEntropy(asRows, pixelLabels, options);
      assert.deepEqual(perPixel.shape, reduction === 'none' ? [2, 2, 4] : []);
      assertClose(perPixel.data, flat.data, { rtol: 1e-14 }, reduction);
    }
  });

  it('stays finite for logits of +-1e4', () => {
    const big = Tensor.from([1e4, -1e4, 0, -1e4, 1e4 - 1, 1e4], [2, 3], 'float64');
    const loss = crossEntropy(big, [1, 1], { reduction: 'none' });
    assertClose(loss.data, [2e4, Math.log1p(Math.exp(-1)) + 1], { rtol: 1e-12 }, 'loss');
  });

  const gradientCases: Array<{
    name: string;
    shape: number[];
    reduction: Reduction;
    weighted: boolean;
  }> = [
    {
      name: '(N,K), weights, ignore index, mean',
      shape: [5, 4],
      reduction: 'mean',
      weighted: true,
    },
    {
      name: '(N,K,H,W), weights, ignore index, mean',
      shape: [2, 4, 3, 2],
      reduction: 'mean',
      weighted: true,
    },
    { name: '(N,K,H,W), no weights, sum', shape: [2, 4, 2, 3], reduction: 'sum', weighted: false },
    {
      name: '(N,K,H,W), weights, none, N = 1',
      shape: [1, 4, 3, 3],
      reduction: 'none',
      weighted: true,
    },
  ];
  for (const c of gradientCases) {
    it(`gradient check: ${c.name}`, () => {
      const rng = new Rng(c.shape.length * 7 + c.shape[0]);
      const x = leaf(rng, c.shape, 2);
      const positions = x.size / c.shape[1];
      const y = Int32Array.from({ length: positions }, (_, i) => (i % 4 === 1 ? -100 : rng.int(4)));
      const w = c.weighted ? Tensor.from([0.5, 2, 1, 3], [4], 'float64') : null;
      const f = () => crossEntropy(x, y, { weight: w, reduction: c.reduction });
      checkOpGradients(`crossEntropy ${c.name}`, f, { x }, rng);
    });
  }

  it('rejects bad labels, weights and options, naming the op and the shapes', () => {
    assert.throws(
      () => crossEntropy(logits, [0, 5, 1, 1]),
      /crossEntropy: label 5 at position 1 is neither a class index in \[0, 3\) nor the ignore index -100/,
    );
    assert.throws(
      () => crossEntropy(Tensor.zeros([2, 3, 2, 2]), [0, 1, 2, 0, 1]),
      /crossEntropy: 5 labels for logits \(2,3,2,2\); expected 8, one per entry of \(2,2,2\)/,
    );
    assert.throws(
      () => crossEntropy(logits, labels, { weight: Tensor.zeros([2]) }),
      /crossEntropy: class weights have 2 entries for 3 classes/,
    );
    assert.throws(
      () => crossEntropy(logits, labels, { weight: Tensor.zeros([3]).requireGrad() }),
      /crossEntropy: class weights are constants and must not require grad/,
    );
    assert.throws(
      () => crossEntropy(Tensor.zeros([3]), [0, 1, 2]),
      /crossEntropy: logits must be \(N,K\) or \(N,K,d1,...\), got shape \(3\)/,
    );
  });
});
