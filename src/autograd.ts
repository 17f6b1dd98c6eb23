/**
 * Reverse-mode automatic differentiation: the tape.
 *
 * Every op that reads a tensor with requiresGrad (while gradients are enabled) gives its output
 * a GradNode: the op's name, its inputs, and a backward closure that maps dL/doutput to
 * dL/dinput for each input. The nodes form a directed acyclic graph from the leaves (tensors
 * made by the user, such as parameters) to the loss. backward() walks it once, in reverse
 * topological order, so a tensor's gradient is complete (summed over every op that read it)
 * before it is propagated further:
 *
 *   dL/dx = sum over the ops y_k = f_k(..., x, ...) that read x of  (dL/dy_k) * (dy_k/dx)
 *
 * Leaves that require grad receive the result in .grad, ADDED to what is there (as in PyTorch:
 * gradients accumulate until zeroed). Intermediate gradients are dropped as soon as they are
 * used, and, unless retainGraph is set, every node's closure and inputs are released once
 * run, so a training loop's memory stays flat without any manual dispose.
 */
import { formatShape, type Shape } from './shape/shape.js';
import type { Tensor } from './tensor.js';

/** Maps dL/doutput to dL/dinput for each input, in order; null where no gradient is needed. */
export type BackwardFn = (dy: Tensor) => ReadonlyArray<Tensor | null>;

/** The record of one op in the graph: what it read and how to send a gradient back. */
export class GradNode {
  readonly op: string;
  private nodeInputs: readonly Tensor[];
  private backwardFn: BackwardFn | null;

  constructor(op: string, inputs: readonly Tensor[], backward: BackwardFn) {
    this.op = op;
    this.nodeInputs = inputs;
    this.backwardFn = backward;
  }

  /** The tensors the op read (empty once released). */
  get inputs(): readonly Tensor[] {
    return this.nodeInputs;
  }

  /** Whether an earlier backward() has released this node. */
  get released(): boolean {
    return this.backwardFn === null;
  }

  /** The gradients of the inputs, checked against their shapes. */
  run(dy: Tensor): ReadonlyArray<Tensor | null> {
    if (this.backwardFn === null) throw releasedError(this.op);
    const grads = this.backwardFn(dy);
    if (grads.length !== this.nodeInputs.length) {
      throw new Error(
        `backward of ${this.op}: returned ${grads.length} gradients for ${this.nodeInputs.length} inputs`,
      );
    }
    return grads;
  }

  /** Drops the closure (and what it saved) and the inputs, so the graph can be collected. */
  release(): void {
    this.backwardFn = null;
    this.nodeInputs = [];
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function releasedError(op: string): Error {
  return new Error(
    `backward: the graph through ${op} was already released by an earlier backward(); ` +
      'run the forward pass again, or pass { retainGraph: true } to the first backward()',
  );
}

let noGradDepth = 0;

/** Whether ops record the graph now (false inside noGrad). */
export function isGradEnabled(): boolean {
  return noGradDepth === 0;
}

/**
 * Runs fn without recording any graph: outputs have no gradFn and do not require grad. For
 * evaluation and for updating parameters. fn must be synchronous (the scope ends when it
 * returns).
 */
export function noGrad<T>(fn: () => T): T {
  noGradDepth++;
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new TypeError('noGrad: fn returned a Promise; noGrad only covers synchronous code');
    }
    return result;
  } finally {
    noGradDepth--;
  }
}

/**
 * Attaches an op to the graph: when gradients are enabled and some input requires grad, the
 * output requires grad and remembers (op, inputs, backward). Otherwise the output is returned
 * untouched and nothing is kept. Returns the output.
 */
export function record(
  op: string,
  output: Tensor,
  inputs: readonly Tensor[],
  backward: BackwardFn,
): Tensor {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return output;
  output.requiresGrad = true;
  output.gradFn = new GradNode(op, inputs, backward);
  return output;
}

export interface BackwardOptions {
  /** Keep the graph so that backward() can run through it again; default false. */
  retainGraph?: boolean;
}

/**
 * The tensors with a gradFn reachable from root, in reverse topological order (root first):
 * every tensor comes before all the tensors its op read. Iterative depth-first search, so deep
 * graphs cannot overflow the call stack.
 */
export function reverseTopologicalOrder(root: Tensor): Tensor[] {
  const postOrder: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Array<{ tensor: Tensor; next: number }> = [];
  const visit = (t: Tensor): void => {
    if (t.gradFn === null || visited.has(t)) return;
    if (t.gradFn.released) throw releasedError(t.gradFn.op);
    visited.add(t);
    stack.push({ tensor: t, next: 0 });
  };
  visit(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top.tensor.gradFn === null ? [] : top.tensor.gradFn.inputs;
    if (top.next < inputs.length) {
      visit(inputs[top.next++]);
    } else {
      stack.pop();
      postOrder.push(top.tensor);
    }
  }
  return postOrder.reverse();
}

/** a + b as a new tensor of a's shape and dtype (neither is modified: either may be shared). */
function sumOf(a: Tensor, b: Tensor): Tensor {
  const total = a.clone();
  for (let i = 0; i < total.data.length; i++) total.data[i] += b.data[i];
  return total;
}

/** leaf.grad += g; the first gradient is copied so that .grad never shares data with the graph. */
function accumulateIntoLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.grad === null) {
    leaf.grad = g.clone(leaf.dtype);
    return;
  }
  const grad = leaf.grad;
  if (!sameShape(grad.shape, leaf.shape)) {
    throw new Error(
      `backward: the existing .grad of shape ${formatShape(grad.shape)} does not match the tensor's shape ${formatShape(leaf.shape)}`,
    );
  }
  for (let i = 0; i < grad.data.length; i++) grad.data[i] += g.data[i];
}

/**
 * Propagates `seed` = dL/droot back through the graph and accumulates into the .grad of every
 * leaf that requires grad. Called by Tensor.backward(), which checks root and makes the seed.
 */
export function runBackward(
  root: Tensor,
  seed: Tensor,
  { retainGraph = false }: BackwardOptions = {},
): void {
  if (root.gradFn === null) {
    accumulateIntoLeaf(root, seed);
    return;
  }
  const order = reverseTopologicalOrder(root);
  const pending = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    for (const t of order) {
      const node = t.gradFn;
      const dy = pending.get(t);
      pending.delete(t);
      if (node === null) continue;
      if (dy === undefined) {
        // No gradient reached this op (every path to it returned null): nothing to send back.
        if (!retainGraph) node.release();
        continue;
      }
      const inputs = node.inputs;
      const grads = node.run(dy);
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i];
        const g = grads[i];
        if (!input.requiresGrad || g === null) continue;
        if (!sameShape(g.shape, input.shape)) {
          throw new Error(
            `backward of ${node.op}: gradient of shape ${formatShape(g.shape)} for input ${i} of shape ${formatShape(input.shape)}`,
          );
        }
        if (input.gradFn === null) {
          accumulateIntoLeaf(input, g);
        } else {
          const previous = pending.get(input);
          pending.set(input, previous === undefined ? g : sumOf(previous, g));
        }
      }
      if (!retainGraph) node.release();
    }
  });
}
