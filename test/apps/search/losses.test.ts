import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose } from '../../../src/check/compare.js';
import { angularMargin } from '../../../src/apps/search/angular-margin.js';
import { ProxyLoss } from '../../../src/apps/search/proxy-loss.js';
import { tripletLoss } from '../../../src/apps/search/triplet-loss.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';
import { checkOpGradients, leaf } from '../../ops/op-gradient.js';

/** A unit vector at angle a in the plane. */
const at = (a: number): number[] => [Math.cos(a), Math.sin(a)];

describe('angularMargin op', () => {
  it('adds m to the angle of the label entry only, with the fallback past pi - m', () => {
    const m = 0.5;
    const c = Tensor.from([0.6, -0.2, 0.3, -0.95], [2, 2], 'float64');
    const y = angularMargin(c, [0, 1], m);
    const fallback = -0.95 - m * Math.sin(m); // -0.95 < cos(pi - 0.5) = -0.878
    assertClose(y.data, [Math.cos(Math.acos(0.6) + m), -0.2, 0.3, fallback], { rtol: 1e-14 }, 'y');
  });

  it('gradient check (both branches)', () => {
    const rng = new Rng(3);
    const c = Tensor.from([0.6, -0.2, 0.1, 0.3, -0.95, 0.4], [2, 3], 'float64').requireGrad();
    checkOpGradients('angularMargin', () => angularMargin(c, [0, 1], 0.5), { c }, rng);
  });

  it('rejects bad labels and margins, naming them', () => {
    const c = Tensor.zeros([2, 3]);
    assert.throws(() => angularMargin(c, [0, 3], 0.2), /label 3 of row 1 is not in \[0, 3\)/);
    assert.throws(() => angularMargin(c, [0], 0.2), /1 labels for 2 rows/);
    assert.throws(() => angularMargin(c, [0, 1], -1), /margin must be in \[0, pi\/2\]/);
  });
});

describe('ProxyLoss (normalized softmax / ArcFace)', () => {
  it('matches the formula on a hand-made case', () => {
    const a = 0.4;
    const m = 0.3;
    const s = 8;
    const loss = new ProxyLoss(2, 2, { margin: m, scale: s, dtype: 'float64' });
    loss.proxies.data.set([3, 0, 0, 2]); // normalised to e1, e2
    const x = Tensor.from([...at(a).map((v) => 5 * v)], [1, 2], 'float64');
    const target = s * Math.cos(a + m);
    const other = s * Math.sin(a);
    const expected = -target + Math.log(Math.exp(target) + Math.exp(other));
    assertClose([loss.forward(x, [0]).item()], [expected], { rtol: 1e-13 }, 'arcface');
    const plain = new ProxyLoss(2, 2, { margin: 0, scale: s, dtype: 'float64' });
    plain.proxies.data.set([1, 0, 0, 1]);
    const softmax = -s * Math.cos(a) + Math.log(Math.exp(s * Math.cos(a)) + Math.exp(other));
    assertClose([plain.forward(x, [0]).item()], [softmax], { rtol: 1e-13 }, 'normalized softmax');
  });

  it('gradient check with respect to the embeddings and the proxies', () => {
    const rng = new Rng(5);
    for (const margin of [0, 0.3]) {
      const loss = new ProxyLoss(4, 3, { margin, scale: 4, seed: 2, dtype: 'float64' });
      const x = leaf(rng, [6, 3]);
      const labels = [0, 1, 2, 3, 1, 0];
      checkOpGradients(
        `ProxyLoss m=${margin}`,
        () => loss.forward(x, labels),
        { x, proxies: loss.proxies },
        rng,
      );
    }
  });

  it('has the proxies as its one parameter and refuses wrong shapes', () => {
    const loss = new ProxyLoss(10, 8);
    assert.deepEqual(
      loss.namedParameters().map(([name, p]) => [name, p.shape]),
      [['proxies', [10, 8]]],
    );
    assert.throws(
      () => loss.forward(Tensor.zeros([2, 4]), [0, 1]),
      /must be \(B,8\), got shape \(2,4\)/,
    );
    assert.throws(() => loss.forward(Tensor.ones([1, 8]), [10]), /label 10 is not in \[0, 10\)/);
    assert.throws(() => new ProxyLoss(1, 8), /classes must be an integer >= 2/);
  });
});

describe('tripletLoss (batch hard)', () => {
  // Angles 0, 0.5 (class 0), 1.0, 3.0 (class 1); the distance of unit vectors is 2 sin(|a-b|/2).
  const angles = [0, 0.5, 1.0, 3.0];
  const dist = (i: number, j: number): number => 2 * Math.sin(Math.abs(angles[i] - angles[j]) / 2);
  // Anchor: [hardest positive, hardest negative].
  const hardest = [
    [1, 2],
    [0, 2],
    [3, 1],
    [2, 1],
  ];

  it('picks the hardest positive and negative per anchor, hinge (hand-computed)', () => {
    const x = Tensor.from(angles.flatMap(at), [4, 2], 'float64');
    const margin = 0.2;
    const expected =
      hardest.reduce((s, [p, n], i) => s + Math.max(0, dist(i, p) - dist(i, n) + margin), 0) / 4;
    assertClose(
      [tripletLoss(x, [0, 0, 1, 1], { margin }).item()],
      [expected],
      { rtol: 1e-12 },
      'loss',
    );
  });

  it('soft margin by default: the mean of softplus(d(a,p) - d(a,n)) (hand-computed)', () => {
    const x = Tensor.from(angles.flatMap(at), [4, 2], 'float64');
    const softplus = (z: number): number => Math.log(1 + Math.exp(z));
    const expected = hardest.reduce((s, [p, n], i) => s + softplus(dist(i, p) - dist(i, n)), 0) / 4;
    assertClose([tripletLoss(x, [0, 0, 1, 1]).item()], [expected], { rtol: 1e-12 }, 'loss');
  });

  it('leaves out anchors without a positive or a negative; 0 when none has both', () => {
    const x = Tensor.from([...at(0), ...at(1), ...at(2)], [3, 2], 'float64');
    const d = (a: number): number => 2 * Math.sin(a / 2);
    // Anchors 0 and 2 (class 0): positive each other at angle 2, negative 1 at angle 1.
    const each = d(2) - d(1) + 0.2;
    assertClose(
      [tripletLoss(x, [0, 1, 0], { margin: 0.2 }).item()],
      [each],
      { rtol: 1e-12 },
      'two anchors',
    );
    assert.equal(tripletLoss(x, [0, 1, 2]).item(), 0);
  });

  it('still has a gradient when the embeddings have nearly collapsed (squared distances had none)', () => {
    const rng = new Rng(3);
    const x = Tensor.from(
      Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? 1 : 0) + 1e-4 * rng.normal()),
      [4, 4],
      'float64',
    );
    x.requiresGrad = true;
    tripletLoss(x, [0, 0, 1, 1]).backward();
    const norm = Math.hypot(...(x.grad?.data ?? []));
    assert.ok(norm > 1e-2, `gradient norm ${norm}`);
  });

  it('gradient check, soft margin and hinge', () => {
    const rng = new Rng(9);
    const x = leaf(rng, [8, 4]);
    const labels = [0, 1, 2, 0, 1, 2, 0, 1];
    checkOpGradients('tripletLoss', () => tripletLoss(x, labels), { x }, rng);
    checkOpGradients('tripletLoss', () => tripletLoss(x, labels, { margin: 0.5 }), { x }, rng);
  });
});
