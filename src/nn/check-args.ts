/**
 * Constructor argument checks shared by the layers: each returns the checked value (a pair as
 * [height, width]) or throws a RangeError naming the layer, the argument and the value, e.g.
 * `Conv2d: kernelSize must be integers >= 1, got (3,0)`.
 */
import type { Pair } from '../shape.js';

/** An integer >= min. */
export function checkInteger(value: number, name: string, layer: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${layer}: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** A number, or [height, width], of integers >= min. */
export function checkPair(value: Pair, name: string, layer: string, min = 1): [number, number] {
  const [h, w] = typeof value === 'number' ? [value, value] : value;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < min || w < min) {
    const shown = typeof value === 'number' ? `${value}` : `(${value.join(',')})`;
    throw new RangeError(`${layer}: ${name} must be integers >= ${min}, got ${shown}`);
  }
  return [h, w];
}

/** A probability in [0, 1]. */
export function checkProbability(value: number, name: string, layer: string): number {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${layer}: ${name} must be a probability in [0, 1], got ${value}`);
  }
  return value;
}

/** A finite number. */
export function checkFinite(value: number, name: string, layer: string): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${layer}: ${name} must be a finite number, got ${value}`);
  }
  return value;
}

/**
 * A pool layer's kernel, stride (default: the kernel) and padding, padding at most half the
 * kernel (so that no window holds only padding), as [height, width] each.
 */
export function checkPoolArgs(
  kernelSize: Pair,
  stride: Pair | undefined,
  padding: Pair,
  layer: string,
): { kernelSize: [number, number]; stride: [number, number]; padding: [number, number] } {
  const kernel = checkPair(kernelSize, 'kernelSize', layer);
  const checkedPadding = checkPair(padding, 'padding', layer, 0);
  if (2 * checkedPadding[0] > kernel[0] || 2 * checkedPadding[1] > kernel[1]) {
    throw new RangeError(
      `${layer}: padding ${formatPair(checkedPadding)} must be at most half the kernel ${formatPair(kernel)}`,
    );
  }
  return {
    kernelSize: kernel,
    stride: checkPair(stride ?? kernelSize, 'stride', layer),
    padding: checkedPadding,
  };
}

/** "(3,3)": a pair as layers print it. */
export function formatPair([h, w]: readonly [number, number]): string {
  return `(${h},${w})`;
}
