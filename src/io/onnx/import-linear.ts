/**
 * Linear layers from ONNX: Gemm(x, B, C) with transA = 0 and alpha = beta = 1 (B as (out, in)
 * when transB = 1, else transposed), or MatMul(x, W^T) optionally followed by Add(b).
 */
import {
  dynamic,
  floats,
  layer,
  other,
  outputName,
  present,
  type Conversion,
  type DynamicValue,
  type ImportNode,
  type Weight,
} from './import-context.js';
import type { OnnxNode } from './onnx-proto.js';

/** Linear from W (out, in) and an optional bias of `out` values. */
function linear(
  n: ImportNode,
  x: DynamicValue,
  weight: Weight,
  bias: Weight | null,
  last: OnnxNode,
): Conversion {
  const [outFeatures, inFeatures] = weight.dims;
  if (bias !== null && bias.data.length !== outFeatures) {
    n.fail(`bias has dims [${bias.dims}], expected ${outFeatures} values`);
  }
  const weights: Record<string, Weight> = { weight };
  if (bias !== null) weights.bias = { dims: [outFeatures], data: bias.data };
  return layer(n, 'Linear', { inFeatures, outFeatures, bias: bias !== null }, [x], weights, last);
}

function transposed({ dims: [rows, cols], data }: Weight): Weight {
  const t = new Float32Array(data.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c];
  return { dims: [cols, rows], data: t };
}

export function gemm(n: ImportNode): Conversion {
  const x = dynamic(n, 0, 2);
  n.attributes.intOneOf('transA', 0, [0]);
  const transB = n.attributes.intOneOf('transB', 0, [0, 1]);
  const alpha = n.attributes.float('alpha', 1);
  const beta = n.attributes.float('beta', 1);
  if (alpha !== 1 || (present(n, 2) && beta !== 1)) {
    n.fail(
      `alpha=${alpha}, beta=${beta} are not supported (supported: 1, as a Linear layer computes)`,
    );
  }
  const b = floats(n, 1, 'the weight');
  if (b.dims.length !== 2) n.fail(`weight has dims [${b.dims}], expected 2`);
  return linear(
    n,
    x,
    transB === 1 ? b : transposed(b),
    present(n, 2) ? floats(n, 2, 'the bias') : null,
    n.node,
  );
}

export function matMul(n: ImportNode): Conversion {
  const x = dynamic(n, 0, 2);
  const b = floats(n, 1, 'the weight');
  if (b.dims.length !== 2) n.fail(`weight has dims [${b.dims}], expected 2`);
  const add = n.soleConsumer(outputName(n.node));
  const biasName = add?.opType === 'Add' ? other(add, outputName(n.node)) : undefined;
  const bias = biasName === undefined ? undefined : n.staticOf(biasName);
  if (add !== null && bias?.kind === 'float') {
    n.consume(add).done();
    return linear(n, x, transposed(b), { dims: bias.dims, data: bias.data }, add);
  }
  return linear(n, x, transposed(b), null, n.node);
}
