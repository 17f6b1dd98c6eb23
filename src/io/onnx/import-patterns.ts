/**
 * Patterns of several ONNX nodes that one layer computes, recognised from their first node:
 *
 *   GELU         Div(x, sqrt 2) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5)     (ours and PyTorch's)
 *   SiLU         Mul(x, Sigmoid(x))
 *   L2Normalize  Div(x, Max(ReduceL2(x), eps)) or with Clip(min eps) [-> Expand] (PyTorch's)
 *   normalize    Sub(input, mean) -> Div(std) right after a graph input
 *
 * Each intermediate value must have one consumer and not be a graph output; the layer takes
 * the name of the pattern's last node.
 */
import {
  dynamic,
  inputName,
  layer,
  other,
  outputName,
  present,
  scalar,
  type Conversion,
  type DynamicValue,
  type ImportNode,
} from './import-context.js';
import type { StaticValue } from './import-static.js';
import { shortestFloat32 } from './onnx-tensor.js';

export function tryGelu(n: ImportNode): Conversion | null {
  const [xName, divisor] = n.node.input ?? [];
  const x = n.dynamicOf(xName);
  const d = scalar(n, divisor);
  if (x === undefined || (d !== Math.fround(Math.SQRT2) && d !== Math.SQRT2)) return null;
  const erf = n.soleConsumer(outputName(n.node));
  if (erf?.opType !== 'Erf') return null;
  const add = n.soleConsumer(outputName(erf));
  if (add?.opType !== 'Add' || scalar(n, other(add, outputName(erf)) ?? '') !== 1) return null;
  const mul = n.soleConsumer(outputName(add));
  if (mul?.opType !== 'Mul' || other(mul, outputName(add)) !== xName) return null;
  const half = n.soleConsumer(outputName(mul));
  if (half?.opType !== 'Mul' || scalar(n, other(half, outputName(mul)) ?? '') !== 0.5) return null;
  for (const node of [erf, add, mul, half]) n.consume(node).done();
  return layer(n, 'GELU', {}, [x], undefined, half);
}

export function trySilu(n: ImportNode, x: DynamicValue): Conversion | null {
  const mul = n.soleConsumer(outputName(n.node));
  if (mul?.opType !== 'Mul' || other(mul, outputName(n.node)) !== inputName(n.node, 0)) return null;
  n.consume(mul).done();
  return layer(n, 'SiLU', {}, [x], undefined, mul);
}

export function l2Normalize(n: ImportNode): Conversion {
  const x = dynamic(n, 0);
  const axes =
    n.opset >= 18 && present(n, 1)
      ? (n.staticOf(inputName(n.node, 1))?.data ?? [])
      : n.attributes.ints('axes', []);
  n.attributes.intOneOf('keepdims', 1, [1]);
  if (n.opset >= 18) n.attributes.intOneOf('noop_with_empty_axes', 0, [0]);
  const unsupported = (): never =>
    n.fail(
      'is supported as L2 normalisation only: Div(x, Max(ReduceL2(x, one axis), eps)) or with Clip(min eps)',
    );
  if (axes.length !== 1 || typeof axes[0] !== 'number') return unsupported();
  const norm = outputName(n.node);
  const clamp = n.soleConsumer(norm);
  let eps: number | undefined;
  if (clamp?.opType === 'Max') eps = scalar(n, other(clamp, norm) ?? '');
  if (clamp?.opType === 'Clip' && (clamp.input ?? [])[0] === norm && inputName(clamp, 2) === '') {
    eps = scalar(n, inputName(clamp, 1));
  }
  if (clamp === null || eps === undefined) return unsupported();
  let divisor = outputName(clamp);
  const nodes = [clamp];
  const expand = n.soleConsumer(divisor);
  if (expand?.opType === 'Expand') {
    const shape = n.staticOf(inputName(expand, 1))?.data ?? [];
    const full = ['N', ...x.shape.slice(1)];
    if (shape.length !== full.length || shape.some((d, i) => d !== full[i] && d !== 1))
      return unsupported();
    nodes.push(expand);
    divisor = outputName(expand);
  }
  const div = n.soleConsumer(divisor);
  if (
    div?.opType !== 'Div' ||
    inputName(div, 0) !== inputName(n.node, 0) ||
    inputName(div, 1) !== divisor
  ) {
    return unsupported();
  }
  for (const node of [...nodes, div]) n.consume(node).done();
  return layer(n, 'L2Normalize', { axis: axes[0], eps: shortestFloat32(eps) }, [x], undefined, div);
}

function perChannel(
  n: ImportNode,
  value: StaticValue | undefined,
  C: number,
): number[] | undefined {
  if (value?.kind !== 'float' || value.data.length !== C) return undefined;
  const dims = value.dims.filter((d) => d !== 1);
  const rank = value.dims.length;
  if (C > 1 && (dims.length !== 1 || !(rank === 3 || rank === 4) || value.dims[rank - 3] !== C))
    return undefined;
  return Array.from(value.data, shortestFloat32);
}

export function normalize(n: ImportNode): Conversion {
  const x = dynamic(n, 0, 4);
  const unsupported = (): never =>
    n.fail(
      'is supported only as the input normalisation Div(Sub(input, mean), std), per channel, right after a graph input',
    );
  if (!n.isGraphInput(x) || n.soleConsumer(inputName(n.node, 0)) !== n.node) return unsupported();
  const mean = perChannel(n, n.staticOf(inputName(n.node, 1)), x.shape[1]);
  const div = n.soleConsumer(outputName(n.node));
  if (mean === undefined || div?.opType !== 'Div' || inputName(div, 0) !== outputName(n.node))
    return unsupported();
  const std = perChannel(n, n.staticOf(inputName(div, 1)), x.shape[1]);
  if (std === undefined) return unsupported();
  n.consume(div).done();
  n.attributes.done();
  return { kind: 'normalize', input: x, mean, std, last: div };
}
