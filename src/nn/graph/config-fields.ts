/**
 * The field types of layer configs in a graph file, as zod schemas, each with the message a
 * user reads when a value does not fit ("expected an integer >= 1 or [height, width]"). One
 * schema per kind of value, shared by every layer in the table (layer-table.ts), so a kernel
 * size is checked the same way in Conv2d, MaxPool2d and ConvTranspose2d.
 */
import { z } from 'zod';

/**
 * The largest integer a config may hold (channels, features, kernel sizes, axes): far beyond any
 * real layer, small enough that a hostile file's sizes cannot overflow a product.
 */
export const CONFIG_INTEGER_LIMIT = 1 << 20;

function integer(min: number, expected: string) {
  const error = `expected ${expected}`;
  return z
    .number({ error })
    .int({ error })
    .min(min, { error })
    .max(CONFIG_INTEGER_LIMIT, { error: `expected at most ${CONFIG_INTEGER_LIMIT}` });
}

/** An integer >= 1: channels, features, kernel sizes, strides. */
export const positiveInt = integer(1, 'an integer >= 1');

/** An integer >= 0: padding. */
export const nonNegativeInt = integer(0, 'an integer >= 0');

/** An axis, counted from the end when negative. */
export const axisIndex = z
  .number({ error: 'expected an integer axis' })
  .int({ error: 'expected an integer axis' })
  .min(-8, { error: 'expected an axis in [-8, 8]' })
  .max(8, { error: 'expected an axis in [-8, 8]' });

/** One integer >= min for both axes, or [height, width]. */
export function pair(min: 0 | 1) {
  const one = min === 1 ? positiveInt : nonNegativeInt;
  return z.union([one, z.tuple([one, one])], {
    error: `expected an integer >= ${min} or [height, width] of them`,
  });
}

/** A positive finite number (eps, scale factors). */
export const positiveNumber = z
  .number({ error: 'expected a positive number' })
  .positive({ error: 'expected a positive number' })
  .max(1e6, { error: 'expected at most 1e6' });

/** A probability in [0, 1]. */
export const probability = z
  .number({ error: 'expected a probability in [0, 1]' })
  .min(0, { error: 'expected a probability in [0, 1]' })
  .max(1, { error: 'expected a probability in [0, 1]' });

/** Any finite number (a slope). */
export const finiteNumber = z.number({ error: 'expected a finite number' });

export const flag = z.boolean({ error: 'expected true or false' });
