/**
 * Measures the fast conv2d's error against the float64 reference for each path (im2col,
 * Winograd F(2,3), F(4,3), F(5,3)): max |fast - reference| / max |reference| over the output,
 * forward, input gradient and weight gradient (F(4,3)'s where F(5,3) is forced: it is a forward
 * kernel), standard normal operands, 3x3 padding 1, growing channel counts.
 *
 *   node --import tsx scripts/winograd-error.ts
 */
import { createWasmBackend } from '../src/kernels/wasm/index.js';
import { withConv2dPath, type Conv2dPath } from '../src/kernels/wasm/conv2d-path.js';
import { referenceBackend } from '../src/kernels/backend.js';
import { Rng } from '../src/rng.js';
import { conv2dGeometry } from '../src/shape/conv2d.js';

const backend = await createWasmBackend({ threads: 2 });
const { conv2dForward, conv2dBackward } = backend.kernels;
if (conv2dForward === undefined || conv2dBackward === undefined)
  throw new Error(`the fast backend has no conv2d kernels here (${backend.path.description})`);
const { conv2dForward: referenceForward, conv2dBackward: referenceBackward } =
  referenceBackend.kernels;
if (referenceForward === undefined || referenceBackward === undefined)
  throw new Error('the reference backend has no conv2d kernels');
const paths: Conv2dPath[] = ['im2col', 'winograd2', 'winograd4', 'winograd5', 'winograd5x7'];

function relativeError(got: Float32Array, want: Float64Array): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < got.length; i++) {
    error = Math.max(error, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return error / scale;
}

console.log(
  `${backend.path.description}; max error / scale, forward | input gradient | weight gradient`,
);
for (const [C, S, N, F] of [
  [3, 28, 2, 16],
  [16, 28, 2, 16],
  [32, 28, 2, 16],
  [64, 14, 2, 16],
  [128, 14, 2, 16],
  [256, 7, 2, 16],
  [512, 7, 2, 16],
  [32, 28, 64, 32], // fashion-net's second convolution on a training batch
]) {
  const rng = new Rng(C);
  const random = (n: number) =>
    Float64Array.from(Float32Array.from({ length: n }, () => rng.normal()));
  const g = conv2dGeometry([N, C, S, S], [F, C, 3, 3], { padding: 1 }, F);
  const [x, w, b, dy] = [
    random(N * C * S * S),
    random(F * C * 9),
    random(F),
    random(N * F * S * S),
  ];
  const y64 = new Float64Array(dy.length);
  const dx64 = new Float64Array(x.length);
  const dw64 = new Float64Array(w.length);
  referenceForward(y64, x, w, b, g);
  referenceBackward(dx64, dw64, null, dy, x, w, g);
  const cells = paths.map((path) =>
    withConv2dPath(path, () => {
      const y = new Float32Array(y64.length);
      const dx = new Float32Array(dx64.length);
      const dw = new Float32Array(dw64.length);
      const [x32, w32, b32, dy32] = [x, w, b, dy].map((a) => Float32Array.from(a));
      conv2dForward(y, x32, w32, b32, g);
      conv2dBackward(dx, dw, null, dy32, x32, w32, g);
      const e = [relativeError(y, y64), relativeError(dx, dx64), relativeError(dw, dw64)];
      return `${path} ${e.map((v) => v.toExponential(1)).join(' | ')}`;
    }),
  );
  console.log(`C = ${C} (F = ${F}, ${S}x${S}, N = ${N}): ${cells.join(', ')}`);
}
backend.dispose();
