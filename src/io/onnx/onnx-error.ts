/**
 * OnnxError: an ONNX model that cannot be written or read. The message names the source (a
 * file path), and where it applies the node and its op: "model.onnx: node '/conv1/Conv'
 * (Conv): attribute auto_pad 'SAME_UPPER' is not supported (supported: NOTSET, VALID)".
 */
export class OnnxError extends Error {
  readonly source: string;
  /** The message without the source. */
  readonly problem: string;

  constructor(source: string, problem: string, options?: ErrorOptions) {
    super(`${source}: ${problem}`, options);
    this.name = 'OnnxError';
    this.source = source;
    this.problem = problem;
  }
}
