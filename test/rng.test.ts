/**
 * Rng.getState/setState: a restored generator continues the exact sequence (uniforms, integers
 * and the pending Box-Muller deviate), the state is plain JSON, and a bad state is rejected
 * without changing the generator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng, type RngState } from '../src/rng.js';

function draws(rng: Rng): number[] {
  return [rng.nextUint32(), rng.next(), rng.int(1000), rng.normal(), rng.normal(), rng.normal()];
}

describe('Rng state', () => {
  it('resumes the same sequence after getState/setState, through JSON', () => {
    const rng = new Rng(42);
    for (let i = 0; i < 37; i++) rng.next();
    rng.normal(); // leaves a spare normal deviate pending
    const saved: RngState = JSON.parse(JSON.stringify(rng.getState()));
    assert.notEqual(saved.spareNormal, null);
    const expected = draws(rng);
    const restored = new Rng(7);
    restored.setState(saved);
    assert.deepEqual(draws(restored), expected);
    rng.setState(saved);
    assert.deepEqual(draws(rng), expected);
  });

  it('stores unsigned words and copies them', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 10; i++) rng.nextUint32();
    const state = rng.getState();
    assert.ok(state.words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff));
    state.words[0] = 0;
    assert.notEqual(rng.getState().words[0], 0);
  });

  it('rejects a malformed state and keeps its own', () => {
    const rng = new Rng(5);
    const before = rng.getState();
    const bad: unknown[] = [
      { words: [1, 2, 3], spareNormal: null },
      { words: [1, 2, 3, 2 ** 32], spareNormal: null },
      { words: [0, 0, 0, 0], spareNormal: null },
      { words: [1, 2, 3, 4], spareNormal: NaN },
    ];
    for (const state of bad) {
      assert.throws(() => rng.setState(state as RngState), /Rng\.setState/);
    }
    assert.deepEqual(rng.getState(), before);
  });
});
