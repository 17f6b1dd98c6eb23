import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256Hex } from '../../src/io/sha256.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('sha256Hex', () => {
  it('hashes its parts as one message, as node:crypto does', () => {
    assert.equal(
      sha256Hex(text('abc')),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const parts = [text('model'), new Uint8Array(0), new Uint8Array(100).fill(7)];
    const whole = createHash('sha256');
    for (const part of parts) whole.update(part);
    assert.equal(sha256Hex(...parts), whole.digest('hex'));
  });
});
