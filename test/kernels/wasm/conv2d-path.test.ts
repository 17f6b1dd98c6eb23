/**
 * The fast conv2d's choice between im2col and Winograd (src/kernels/wasm/conv2d-path.ts): the
 * measured rule on the presets' layers, where Winograd cannot apply, the hook that forces a path
 * (and really changes the kernel that runs), and the environment variable's errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  conv2dPath,
  conv2dWeightGradientPath,
  forceConv2dPath,
  withConv2dPath,
  type Conv2dPath,
} from '../../../src/kernels/wasm/conv2d-path.js';
import { createWasmBackend, type WasmBackend } from '../../../src/kernels/wasm/index.js';
import { Rng } from '../../../src/rng.js';
import { conv2dGeometry, type Conv2dOptions } from '../../../src/shape/conv2d.js';

function geometry(
  C: number,
  F: number,
  size: number,
  options: Conv2dOptions = { padding: 1 },
  N = 64,
) {
  return conv2dGeometry([N, C, size, size], [F, C / (options.groups ?? 1), 3, 3], options, F);
}

let backend: WasmBackend;

before(async () => {
  backend = await createWasmBackend({ threads: 2 });
});

after(() => backend.dispose());

describe('conv2d path', () => {
  it('the rule: Winograd for the presets 3x3 layers with channels, direct for 1 channel', () => {
    assert.equal(conv2dPath(geometry(1, 32, 28)), 'direct');
    // Lanes across images where they transform at most 0.8 of F(4,3)'s positions, by F(5 x 7)
    // where it transforms at most 0.9 of F(5,3)'s: 28x28 1,512 / 1,764 / 2,016 (F(4,3)) an
    // image, 14x14 378 / 441 / 576, 7x7 126 / 196 / 256.
    assert.equal(conv2dPath(geometry(32, 32, 28)), 'winograd5x7');
    assert.equal(conv2dPath(geometry(32, 64, 14)), 'winograd5x7');
    assert.equal(conv2dPath(geometry(64, 64, 14)), 'winograd5x7');
    assert.equal(conv2dPath(geometry(32, 64, 14, { padding: 1 }, 8)), 'winograd5x7');
    assert.equal(conv2dPath(geometry(32, 32, 7)), 'winograd5x7');
    assert.equal(conv2dPath(geometry(128, 128, 7)), 'im2col');
    assert.equal(conv2dPath(geometry(128, 128, 14)), 'winograd5x7');
    // F(5,3) where 7-wide tiles waste columns: 24x24 is 5 tiles of 5 or 4 of 7 (35 / 36).
    assert.equal(conv2dPath(geometry(32, 32, 24, { padding: 1 }, 16)), 'winograd5');
    // F(4,3) where its tile rows pad to nothing: 48x48, 5,184 against F(5,3)'s 4,900 (0.95).
    assert.equal(conv2dPath(geometry(16, 16, 48, { padding: 1 }, 8)), 'winograd4');
    assert.equal(conv2dPath(geometry(256, 256, 14)), 'winograd2');
    assert.equal(conv2dPath(geometry(512, 512, 14)), 'im2col');
    assert.equal(conv2dPath(geometry(4, 64, 28)), 'direct');
    assert.equal(conv2dPath(geometry(3, 16, 32, { padding: 1 }, 1)), 'direct');
    // 8 channels: Winograd where its rule takes the layer, else direct (R = 72); 9: im2col.
    assert.equal(conv2dPath(geometry(8, 32, 28)), 'winograd5x7');
    assert.equal(conv2dPath(geometry(8, 4, 28)), 'direct');
    assert.equal(conv2dPath(geometry(9, 4, 28)), 'im2col');
    // One 14x14 image (seed-net inference on batch 1): too little work for the filter transform.
    assert.equal(conv2dPath(geometry(32, 64, 14, { padding: 1 }, 1)), 'im2col');
    assert.equal(conv2dPath(geometry(32, 64, 14, { padding: 1 }, 4)), 'winograd4');
    assert.equal(conv2dPath(geometry(32, 32, 28, { padding: 1 }, 1)), 'winograd4');
    // One 24x24 image (the detector's batch-1 layers): F(2,3); one 20x20 image: im2col.
    assert.equal(conv2dPath(geometry(96, 32, 24, { padding: 1 }, 1)), 'winograd2');
    assert.equal(conv2dPath(geometry(32, 32, 24, { padding: 1 }, 1)), 'winograd2');
    assert.equal(conv2dPath(geometry(32, 32, 20, { padding: 1 }, 1)), 'im2col');
  });

  it("the weight gradient takes the forward's path, but im2col for F(2,3) on small layers", () => {
    assert.equal(conv2dWeightGradientPath(geometry(32, 32, 28)), 'winograd4');
    assert.equal(conv2dWeightGradientPath(geometry(32, 64, 14)), 'winograd4');
    assert.equal(conv2dWeightGradientPath(geometry(32, 32, 7)), 'im2col');
    assert.equal(conv2dWeightGradientPath(geometry(256, 256, 14)), 'winograd2');
    assert.equal(conv2dWeightGradientPath(geometry(1, 32, 28)), 'im2col');
    withConv2dPath('winograd2', () =>
      assert.equal(conv2dWeightGradientPath(geometry(32, 32, 28)), 'winograd2'),
    );
    // F(5,3) and F(5 x 7) are forward kernels: forced, the weight gradient takes F(4,3).
    for (const path of ['winograd5', 'winograd5x7'] as const) {
      withConv2dPath(path, () =>
        assert.equal(conv2dWeightGradientPath(geometry(32, 32, 28)), 'winograd4'),
      );
    }
  });

  it('Winograd only where it applies, even when forced', () => {
    forceConv2dPath('winograd4');
    try {
      assert.equal(conv2dPath(geometry(32, 32, 28, { padding: 1, stride: 2 })), 'im2col');
      assert.equal(conv2dPath(geometry(32, 32, 28, { padding: 2, dilation: 2 })), 'im2col');
      assert.equal(conv2dPath(geometry(32, 32, 28, { padding: 1, groups: 2 })), 'im2col');
      assert.equal(conv2dPath(geometry(1, 32, 28)), 'winograd4');
    } finally {
      forceConv2dPath(null);
    }
    assert.equal(conv2dPath(geometry(1, 32, 28)), 'direct');
  });

  it('direct: by the rule for R = C*KH*KW <= 75 beyond 1x1, forced on any one-group conv', () => {
    const conv = (C: number, F: number, K: number, options: Conv2dOptions = {}) =>
      conv2dGeometry([2, C, 12, 12], [F, C / (options.groups ?? 1), K, K], options, F);
    assert.equal(conv2dPath(conv(1, 32, 5)), 'direct');
    assert.equal(conv2dPath(conv(3, 8, 3, { stride: 2 })), 'direct');
    assert.equal(conv2dPath(conv(3, 8, 5)), 'direct');
    assert.equal(conv2dPath(conv(4, 8, 5)), 'im2col');
    assert.equal(conv2dPath(conv(16, 16, 1)), 'im2col');
    assert.equal(conv2dPath(conv(2, 4, 3, { groups: 2 })), 'im2col');
    withConv2dPath('direct', () => {
      assert.equal(conv2dPath(conv(16, 16, 1)), 'direct');
      assert.equal(conv2dPath(conv(32, 32, 3, { padding: 1 })), 'direct');
      assert.equal(conv2dPath(conv(2, 4, 3, { groups: 2 })), 'im2col');
      // The gradients have no direct path: forced, they run im2col.
      assert.equal(conv2dWeightGradientPath(conv(32, 32, 3, { padding: 1 })), 'im2col');
    });
  });

  it('forcing a path changes the kernel that runs (different roundings, same result)', (t) => {
    const forward = backend.kernels.conv2dForward;
    if (forward === undefined) return t.skip(backend.path.description);
    const g = geometry(8, 8, 12);
    const rng = new Rng(3);
    const x = Float32Array.from({ length: 64 * 8 * 144 }, () => rng.normal());
    const w = Float32Array.from({ length: 8 * 8 * 9 }, () => rng.normal());
    // A bias: without one, direct sums the taps as im2col's GEMM does, to the same bits.
    const b = Float32Array.from({ length: 8 }, () => rng.normal());
    const results = (['im2col', 'winograd2', 'winograd4', 'direct'] as Conv2dPath[]).map((path) => {
      const y = new Float32Array(64 * 8 * 144);
      withConv2dPath(path, () => forward(y, x, w, b, g));
      return y;
    });
    for (const [i, j] of [
      [0, 1],
      [0, 2],
      [1, 2],
      [0, 3],
    ]) {
      const a = results[i];
      const b = results[j];
      assert.ok(
        a.some((v, k) => v !== b[k]),
        `paths ${i} and ${j} gave the same bits`,
      );
      const worst = a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);
      assert.ok(worst < 1e-3, `paths ${i} and ${j} differ by ${worst}`);
    }
  });

  it('CONVNET_CONV2D_PATH: an unknown value is an error naming the variable', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "await import('./src/kernels/wasm/conv2d-path.ts')"],
      { env: { ...process.env, CONVNET_CONV2D_PATH: 'fft' }, encoding: 'utf8' },
    );
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /CONVNET_CONV2D_PATH: 'fft' is not a conv2d path/);
  });
});
