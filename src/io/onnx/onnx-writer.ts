/**
 * OnnxWriter: collects the nodes and initializers of the graph being exported. Each of our
 * nodes becomes one or more ONNX nodes; its output value is named after the node, and the
 * values between the ONNX nodes of one layer are named `<node>/<part>` (a '/' never appears in
 * our node names, so nothing collides).
 */
import type { Tensor } from '../../tensor.js';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './onnx-proto.js';
import { floatTensorProto, int64TensorProto } from './onnx-tensor.js';

export class OnnxWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  private fresh(name: string): string {
    if (this.names.has(name))
      throw new Error(`exportOnnx: internal error: '${name}' written twice`);
    this.names.add(name);
    return name;
  }

  /** Adds a node; returns its first output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    output: string,
    attributes: readonly OnnxAttribute[] = [],
  ): string {
    this.nodes.push({
      name: output,
      opType,
      input: [...inputs],
      output: [this.fresh(output)],
      attribute: [...attributes],
    });
    return output;
  }

  /** A parameter or buffer as an initializer named by its state-dict key. */
  tensor(name: string, tensor: Tensor): string {
    this.initializers.push(floatTensorProto(this.fresh(name), tensor.shape, tensor.data));
    return name;
  }

  /** A float32 constant. */
  floats(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    this.initializers.push(floatTensorProto(this.fresh(name), dims, values));
    return name;
  }

  /** A 1-D int64 constant. */
  int64s(name: string, values: readonly number[]): string {
    this.initializers.push(int64TensorProto(this.fresh(name), values));
    return name;
  }
}
