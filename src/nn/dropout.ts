/**
 * Dropout (PyTorch's nn.Dropout), calling the dropout op (src/ops/dropout.ts). In training,
 * each element is zeroed with probability p and the others are scaled by 1/(1-p), so the
 * expected output is the input; in evaluation the layer is the identity.
 *
 * The masks come from a seeded Rng: the same seed gives the same sequence of masks.
 */
import { dropout } from '../ops/dropout.js';
import type { Rng } from '../rng.js';
import type { Shape, Tensor } from '../tensor.js';
import { checkProbability } from './check-args.js';
import { getDefaultRng } from './init.js';
import { Layer } from './module.js';

export interface DropoutLayerOptions {
  /** Draws the masks; default: the module-level default Rng (see manualSeed in init.ts). */
  rng?: Rng;
}

/**
 * Zeroes random elements in training.
 *
 * Args:
 *   p: the probability of zeroing an element, in [0, 1]; default 0.5.
 *   options: rng, the seeded Rng the masks are drawn from.
 *
 * Shape:
 *   input (*) -> output (*), the same shape. In evaluation the output is the input itself.
 *
 * Example:
 *   const drop = new Dropout(0.25, { rng: new Rng(1) });
 *   drop.forward(x);          // training: about a quarter of x zeroed, the rest * 4/3
 *   drop.eval().forward(x);   // x
 */
export class Dropout extends Layer {
  readonly p: number;
  /** The Rng the masks are drawn from; replace it to restart the sequence of masks. */
  rng: Rng;

  constructor(p = 0.5, { rng = getDefaultRng() }: DropoutLayerOptions = {}) {
    super();
    this.p = checkProbability(p, 'p', 'Dropout');
    this.rng = rng;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, rng: this.rng });
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
