import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stridedOffsets } from '../../../src/kernels/reference/strided-offsets.js';

describe('stridedOffsets', () => {
  it('row-major strides give 0, 1, 2, ...', () => {
    assert.deepEqual(Array.from(stridedOffsets([2, 3], [3, 1])), [0, 1, 2, 3, 4, 5]);
  });

  it('swapped strides read a (3,2) array transposed', () => {
    assert.deepEqual(Array.from(stridedOffsets([2, 3], [1, 2])), [0, 2, 4, 1, 3, 5]);
  });

  it('a stride of 0 repeats along that axis (broadcast)', () => {
    assert.deepEqual(Array.from(stridedOffsets([2, 3], [0, 1])), [0, 1, 2, 0, 1, 2]);
    assert.deepEqual(Array.from(stridedOffsets([2, 2, 2], [1, 0, 2])), [0, 2, 0, 2, 1, 3, 1, 3]);
  });

  it('a scalar has one offset, an empty shape none', () => {
    assert.deepEqual(Array.from(stridedOffsets([], [])), [0]);
    assert.deepEqual(Array.from(stridedOffsets([2, 0], [1, 1])), []);
  });
});
