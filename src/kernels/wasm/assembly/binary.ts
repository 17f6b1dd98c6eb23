/** add, sub, mul, div with broadcasting, forward and backward (machinery: lib/broadcast.ts). */
import { ADD, DIV, MUL, SUB, binaryBackward, binaryForward } from './lib/broadcast';

export function addForward(tid: i32, threads: i32, g: usize, y: usize, a: usize, b: usize): void {
  binaryForward(tid, threads, ADD, g, y, a, b);
}

export function subForward(tid: i32, threads: i32, g: usize, y: usize, a: usize, b: usize): void {
  binaryForward(tid, threads, SUB, g, y, a, b);
}

export function mulForward(tid: i32, threads: i32, g: usize, y: usize, a: usize, b: usize): void {
  binaryForward(tid, threads, MUL, g, y, a, b);
}

export function divForward(tid: i32, threads: i32, g: usize, y: usize, a: usize, b: usize): void {
  binaryForward(tid, threads, DIV, g, y, a, b);
}

/** d(self), self = 0 for da and 1 for db; a and b are read only where the op needs them. */
export function addBackward(
  tid: i32,
  threads: i32,
  self: i32,
  g: usize,
  dg: usize,
  dy: usize,
): void {
  binaryBackward(tid, threads, ADD, self, g, dg, dy, dy, dy);
}

export function subBackward(
  tid: i32,
  threads: i32,
  self: i32,
  g: usize,
  dg: usize,
  dy: usize,
): void {
  binaryBackward(tid, threads, SUB, self, g, dg, dy, dy, dy);
}

export function mulBackward(
  tid: i32,
  threads: i32,
  self: i32,
  g: usize,
  dg: usize,
  dy: usize,
  a: usize,
  b: usize,
): void {
  binaryBackward(tid, threads, MUL, self, g, dg, dy, a, b);
}

export function divBackward(
  tid: i32,
  threads: i32,
  self: i32,
  g: usize,
  dg: usize,
  dy: usize,
  a: usize,
  b: usize,
): void {
  binaryBackward(tid, threads, DIV, self, g, dg, dy, a, b);
}
