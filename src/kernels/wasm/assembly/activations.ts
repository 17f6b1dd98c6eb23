/**
 * Activations on the elementwise machinery (lib/elementwise.ts): ReLU, leaky ReLU, sigmoid,
 * tanh, GELU, SiLU, forward and backward, threaded over contiguous ranges, f32x4 over the bulk.
 */
import {
  GELU,
  LEAKY_RELU,
  RELU,
  SIGMOID,
  SILU,
  TANH,
  unaryBackward,
  unaryForward,
} from './lib/elementwise';

export function reluForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(RELU, tid, threads, y, x, count, 0);
}

export function reluBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  x: usize,
  count: i32,
): void {
  unaryBackward(RELU, tid, threads, dx, dy, x, count, 0);
}

export function leakyReluForward(
  tid: i32,
  threads: i32,
  y: usize,
  x: usize,
  count: i32,
  slope: usize,
): void {
  unaryForward(LEAKY_RELU, tid, threads, y, x, count, <f32>load<f64>(slope));
}

export function leakyReluBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  x: usize,
  count: i32,
  slope: usize,
): void {
  unaryBackward(LEAKY_RELU, tid, threads, dx, dy, x, count, <f32>load<f64>(slope));
}

export function sigmoidForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(SIGMOID, tid, threads, y, x, count, 0);
}

export function sigmoidBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  y: usize,
  count: i32,
): void {
  unaryBackward(SIGMOID, tid, threads, dx, dy, y, count, 0);
}

export function tanhForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(TANH, tid, threads, y, x, count, 0);
}

export function tanhBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  y: usize,
  count: i32,
): void {
  unaryBackward(TANH, tid, threads, dx, dy, y, count, 0);
}

export function geluForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(GELU, tid, threads, y, x, count, 0);
}

export function geluBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  x: usize,
  count: i32,
): void {
  unaryBackward(GELU, tid, threads, dx, dy, x, count, 0);
}

export function siluForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  unaryForward(SILU, tid, threads, y, x, count, 0);
}

export function siluBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  x: usize,
  count: i32,
): void {
  unaryBackward(SILU, tid, threads, dx, dy, x, count, 0);
}
