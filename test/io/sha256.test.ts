import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Rng } from '../../src/rng.js';
import { Sha256, sha256Hex } from '../../src/io/sha256.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('sha256', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    assert.equal(
      sha256Hex(new Uint8Array(0)),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.equal(
      sha256Hex(text('abc')),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(
      sha256Hex(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    assert.equal(
      sha256Hex(new Uint8Array(1_000_000).fill(0x61)),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('matches node:crypto for every length around the block boundaries, whole or in parts', () => {
    const rng = new Rng(15);
    for (let length = 0; length < 200; length++) {
      const data = new Uint8Array(length);
      for (let i = 0; i < length; i++) data[i] = Math.floor(rng.uniform() * 256);
      const expected = createHash('sha256').update(data).digest('hex');
      assert.equal(sha256Hex(data), expected, `length ${length}`);
      const cut = Math.floor(rng.uniform() * (length + 1));
      const cut2 = cut + Math.floor(rng.uniform() * (length - cut + 1));
      const parts = [data.subarray(0, cut), data.subarray(cut, cut2), data.subarray(cut2)];
      assert.equal(sha256Hex(...parts), expected, `length ${length} in parts at ${cut}, ${cut2}`);
    }
  });

  it('takes no update after its digest', () => {
    const hash = new Sha256().update(text('abc'));
    hash.hex();
    assert.throws(() => hash.update(text('d')), /update\(\) after hex\(\)/);
  });
});
