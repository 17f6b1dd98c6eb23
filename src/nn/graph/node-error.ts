/**
 * One way to say where in a graph something failed: an error raised by a layer (its message
 * starting with the op's own name, "conv2d: ...") is raised again naming the node,
 *
 *   Graph: node 'block.add' (Add): input 0 (1,16,28,28) and input 1 (1,8,28,28) must have the same shape
 *
 * keeping the class (a ShapeError stays a ShapeError; anything else becomes a RangeError) and
 * the original as its cause. Graph and GraphBuilder both report this way.
 */
import { ShapeError } from '../../shape/shape-error.js';

export function rethrowAtNode(
  where: string,
  node: { name: string; op: string },
  error: unknown,
): never {
  if (!(error instanceof Error)) throw error;
  const reason = error.message.replace(/^[A-Za-z][A-Za-z0-9]*: /, '');
  const message = `${where}: node '${node.name}' (${node.op}): ${reason}`;
  throw error instanceof ShapeError
    ? new ShapeError(message, { cause: error })
    : new RangeError(message, { cause: error });
}
