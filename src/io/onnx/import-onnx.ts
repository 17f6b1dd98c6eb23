/**
 * importOnnx: an ONNX model as a Graph with its weights, for models built from the op set that
 * exportOnnx writes and that PyTorch's torch.onnx.export writes for the same layers (see
 * import-ops.ts for each op and pattern). The nodes are walked in the file's (topological)
 * order; a node whose inputs are all known without the input's data is evaluated as a constant
 * (import-static.ts), every other node becomes a layer. Nothing is approximated: an op,
 * attribute or value the layers cannot compute exactly is an OnnxError naming the node, its op
 * and what is supported; bytes that are not an ONNX model are an OnnxError naming the source.
 *
 * Example:
 *   const { graph, normalize, classNames } = importOnnx(readFileSync('model.onnx'), { source: 'model.onnx' });
 *   graph.eval().forward(x);
 */
import { Rng } from '../../rng.js';
import { Graph } from '../../nn/graph/graph.js';
import {
  GRAPH_FORMAT,
  GRAPH_LIMITS,
  GRAPH_VERSION,
  parseGraphSpec,
} from '../../nn/graph/graph-spec.js';
import { LAYER_TYPES } from '../../nn/graph/layer-table.js';
import type { GraphLayer } from '../../nn/graph/layer-type.js';
import { MergeLayer } from '../../nn/merge-layer.js';
import { formatShape, type Shape } from '../../tensor.js';
import { CLASS_NAMES_KEY } from './export-onnx.js';
import type { Conversion, DynamicValue, ImportNode } from './import-context.js';
import { IMPORTERS } from './import-ops.js';
import { NameTable, nameCandidates } from './import-names.js';
import { STATIC_OPS, evaluateStatic, type StaticValue } from './import-static.js';
import { AttributeReader } from './onnx-attributes.js';
import { OnnxError } from './onnx-error.js';
import { ONNX_DTYPE, decodeOnnxModel, type OnnxModel, type OnnxNode } from './onnx-proto.js';
import { dtypeName, readTensorProto } from './onnx-tensor.js';

/** The default domain's opset versions whose ops import (their semantics are the same here). */
export const ONNX_IMPORT_OPSETS = Object.freeze({ min: 13, max: 18 });

/** How many nodes deep a constant may be computed (Identity of Identity of ...). */
const MAX_CONSTANT_DEPTH = 256;

export interface ImportOnnxOptions {
  /** Names the model in errors (a file path); default 'ONNX model'. */
  source?: string;
}

export interface ImportedOnnx {
  /** The graph, weights loaded (in training mode, as a new model is: call eval() to infer). */
  graph: Graph;
  /** The input normalisation found in front of the graph (Sub/Div per channel). */
  normalize?: { mean: number[]; std: number[] };
  /** metadata_props 'class_names'. */
  classNames?: string[];
}

interface PendingNode {
  name: string;
  op: Conversion & { kind: 'layer' };
  layer: GraphLayer;
}

function decode(bytes: Uint8Array, source: string): OnnxModel {
  if (!(bytes instanceof Uint8Array))
    throw new OnnxError(source, 'expected the file contents as a Uint8Array');
  try {
    return decodeOnnxModel(bytes);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new OnnxError(
      source,
      `is not a valid ONNX model (protobuf decoding failed: ${message}); is the file complete?`,
      {
        cause: error,
      },
    );
  }
}

function defaultOpset(model: OnnxModel, fail: (problem: string) => never): number {
  const entry = (model.opsetImport ?? []).find(
    (o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx',
  );
  const version = entry?.version;
  if (version === undefined) return fail('imports no version of the default ONNX opset');
  const { min, max } = ONNX_IMPORT_OPSETS;
  if (version < min || version > max) fail(`uses opset ${version} (supported: ${min} to ${max})`);
  return version;
}

function classNamesOf(model: OnnxModel, fail: (problem: string) => never): string[] | undefined {
  const entry = (model.metadataProps ?? []).find((p) => p.key === CLASS_NAMES_KEY);
  if (entry === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(entry.value ?? '');
  } catch {
    return fail(`metadata '${CLASS_NAMES_KEY}' is not JSON`);
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    return fail(`metadata '${CLASS_NAMES_KEY}' must be a JSON array of strings`);
  }
  return value;
}

/** Sets a layer's parameters and buffers from the file, each checked against the layer's shape. */
function loadWeights(pending: PendingNode, fail: (problem: string) => never): void {
  const own = new Map([...pending.layer.namedParameters(), ...pending.layer.namedBuffers()]);
  for (const [key, weight] of Object.entries(pending.op.weights ?? {})) {
    const target = own.get(key);
    if (target === undefined)
      throw new Error(`importOnnx: internal error: ${pending.op.op} has no ${key}`);
    const same =
      target.shape.length === weight.dims.length &&
      target.shape.every((d, i) => d === weight.dims[i]);
    if (!same) {
      fail(
        `${key} has dims [${weight.dims}], the layer (${pending.op.op}) needs ${formatShape(target.shape)}`,
      );
    }
    target.data.set(weight.data);
  }
}

export function importOnnx(
  bytes: Uint8Array,
  { source = 'ONNX model' }: ImportOnnxOptions = {},
): ImportedOnnx {
  const fail = (problem: string): never => {
    throw new OnnxError(source, problem);
  };
  const model = decode(bytes, source);
  const graphProto = model.graph;
  if (graphProto === undefined) return fail('has no graph (is it an ONNX model?)');
  const opset = defaultOpset(model, fail);
  const onnxNodes = graphProto.node ?? [];
  if (onnxNodes.length > GRAPH_LIMITS.nodes)
    fail(`has ${onnxNodes.length} nodes (at most ${GRAPH_LIMITS.nodes})`);

  const statics = new Map<string, StaticValue>();
  for (const t of graphProto.initializer ?? []) {
    statics.set(
      t.name ?? '',
      readTensorProto(t, (p) => fail(`initializer '${t.name}' ${p}`)),
    );
  }
  const dynamics = new Map<string, DynamicValue>();
  const names = new NameTable();
  const inputs: { name: string; shape: number[] }[] = [];
  for (const info of graphProto.input ?? []) {
    const onnxName = info.name ?? '';
    if (statics.has(onnxName)) continue;
    const tensorType = info.type?.tensorType;
    const where = `input '${onnxName}'`;
    if (tensorType?.elemType !== ONNX_DTYPE.FLOAT) {
      fail(`${where} has type ${dtypeName(tensorType?.elemType)} (supported: FLOAT)`);
    }
    const dims = tensorType?.shape?.dim ?? [];
    const shape = dims.slice(1).map((d) => d.dimValue ?? 0);
    if (
      dims.length < 2 ||
      dims.length > 4 ||
      shape.some((d) => !Number.isSafeInteger(d) || d < 1)
    ) {
      fail(`${where} must have a batch axis and 1 to 3 axes of known size, e.g. (N,1,28,28)`);
    }
    const name = names.take([onnxName, 'input']);
    inputs.push({ name, shape });
    dynamics.set(onnxName, { name, shape: [1, ...shape] });
  }
  if (inputs.length === 0) fail('has no input (every graph input is an initializer)');

  const graphOutputs = new Set((graphProto.output ?? []).map((o) => o.name ?? ''));
  const consumers = new Map<string, OnnxNode[]>();
  for (const node of onnxNodes) {
    for (const input of node.input ?? []) {
      if (input !== '') consumers.set(input, [...(consumers.get(input) ?? []), node]);
    }
  }
  const consumed = new Set<OnnxNode>();
  const pending: PendingNode[] = [];
  const rng = new Rng(0);
  let normalize: ImportedOnnx['normalize'];

  const producer = new Map<string, OnnxNode>();
  for (const node of onnxNodes) for (const o of node.output ?? []) producer.set(o, node);
  const labelOf = (node: OnnxNode): string =>
    node.name === undefined || node.name === '' ? `#${onnxNodes.indexOf(node)}` : `'${node.name}'`;
  const failAt =
    (node: OnnxNode) =>
    (problem: string): never =>
      fail(`node ${labelOf(node)} (${node.opType ?? ''}): ${problem}`);
  const evaluated = new Set<OnnxNode>();
  const inProgress = new Set<OnnxNode>();

  /**
   * Evaluates a node of constants (STATIC_OPS) once its inputs are known, even ahead of its
   * place in the file, so that a pattern can read a constant written after its first node.
   * False when the node is not static.
   */
  const evaluate = (node: OnnxNode, depth: number): boolean => {
    if (evaluated.has(node)) return true;
    const opType = node.opType ?? '';
    if (!(STATIC_OPS as readonly string[]).includes(opType) || inProgress.has(node)) return false;
    if (depth > MAX_CONSTANT_DEPTH) {
      failAt(node)(`constants are computed through more than ${MAX_CONSTANT_DEPTH} nodes`);
    }
    const inputNames = node.input ?? [];
    inProgress.add(node);
    const ready =
      opType === 'Shape'
        ? dynamics.has(inputNames[0] ?? '')
        : (opType === 'Constant' || inputNames.length > 0) &&
          inputNames.every((name) => name === '' || resolve(name, depth + 1) !== undefined);
    inProgress.delete(node);
    if (!ready) return false;
    const nodeFail = failAt(node);
    const attributes = new AttributeReader(node, nodeFail);
    const value = evaluateStatic({
      node,
      attributes,
      inputs: inputNames.map((name) => (name === '' ? '' : (statics.get(name) ?? ''))),
      dynamicShape: opType === 'Shape' ? (dynamics.get(inputNames[0])?.shape ?? null) : null,
      fail: nodeFail,
    });
    attributes.done();
    statics.set(node.output?.[0] ?? '', value);
    evaluated.add(node);
    return true;
  };
  const resolve = (name: string, depth = 0): StaticValue | undefined => {
    const value = statics.get(name);
    if (value !== undefined) return value;
    const node = producer.get(name);
    if (node === undefined || consumed.has(node)) return undefined;
    return evaluate(node, depth) ? statics.get(name) : undefined;
  };

  onnxNodes.forEach((node) => {
    if (consumed.has(node) || evaluated.has(node)) return;
    const opType = node.opType ?? '';
    const nodeFail = failAt(node);
    if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx') {
      nodeFail(`domain '${node.domain}' is not supported (supported: the default ONNX domain)`);
    }
    const outputs = node.output ?? [];
    if (outputs.length === 0 || outputs[0] === '') nodeFail('has no output');
    const inputNames = node.input ?? [];
    const unknown = inputNames.find(
      (name) => name !== '' && !dynamics.has(name) && resolve(name) === undefined,
    );
    if (unknown !== undefined) {
      nodeFail(
        `input '${unknown}' is not an initializer, a graph input or an earlier node's output`,
      );
    }
    if (evaluate(node, 0)) return;
    const attributes = new AttributeReader(node, nodeFail);
    const convert = IMPORTERS[opType];
    if (convert === undefined) {
      nodeFail(
        `op ${opType} is not supported (supported: ${[...Object.keys(IMPORTERS), ...STATIC_OPS].sort().join(', ')})`,
      );
    }
    const context: ImportNode = {
      node,
      attributes,
      opset,
      dynamicOf: (name) => dynamics.get(name),
      staticOf: (name) => resolve(name),
      soleConsumer: (value) => {
        const list = consumers.get(value) ?? [];
        return list.length === 1 && !graphOutputs.has(value) ? list[0] : null;
      },
      consume: (later) => {
        consumed.add(later);
        return new AttributeReader(later, (p) =>
          fail(`node '${later.name ?? ''}' (${later.opType ?? ''}): ${p}`),
        );
      },
      isGraphInput: (value) =>
        inputs.some((i) => i.name === value.name) && pending.every((p) => p.name !== value.name),
      fail: nodeFail,
    };
    const conversion = convert(context);
    const output = conversion.last.output?.[0] ?? '';
    if (conversion.kind === 'alias') {
      dynamics.set(output, conversion.value);
      return;
    }
    if (conversion.kind === 'normalize') {
      if (normalize !== undefined) nodeFail('a second input normalisation is not supported');
      normalize = { mean: conversion.mean, std: conversion.std };
      dynamics.set(output, conversion.input);
      return;
    }
    const name = names.take(
      nameCandidates(
        conversion.weights === undefined ? undefined : inputNames[1],
        conversion.last.name ?? '',
        conversion.last.opType ?? opType,
        output,
      ),
    );
    let layer: GraphLayer;
    let shape: Shape;
    try {
      layer = LAYER_TYPES[conversion.op].build(conversion.config, {
        rng,
        dropoutRng: rng,
        dtype: 'float32',
      });
      const shapes = conversion.inputs.map((v) => v.shape);
      shape =
        layer instanceof MergeLayer ? layer.outputShape(shapes) : layer.outputShape(shapes[0]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return nodeFail(`as ${conversion.op} ${JSON.stringify(conversion.config)}: ${message}`);
    }
    const entry = { name, op: conversion, layer };
    loadWeights(entry, nodeFail);
    pending.push(entry);
    dynamics.set(output, { name, shape });
  });

  const outputs = (graphProto.output ?? []).map((o) => {
    const value = dynamics.get(o.name ?? '');
    if (value === undefined) return fail(`output '${o.name}' is not computed from the input`);
    if (pending.every((p) => p.name !== value.name)) {
      return fail(`output '${o.name}' is a graph input, not a layer's output`);
    }
    return value.name;
  });
  const spec = parseGraphSpec(
    {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      ...(graphProto.docString ? { description: graphProto.docString } : {}),
      inputs,
      nodes: pending.map((p) => ({
        name: p.name,
        op: p.op.op,
        config: LAYER_TYPES[p.op.op].describe(p.layer),
        inputs: p.op.inputs.map((v) => v.name),
      })),
      outputs,
    },
    source,
  );
  const graph = new Graph(
    spec,
    pending.map((p) => p.layer),
  );
  const classNames = classNamesOf(model, fail);
  return {
    graph,
    ...(normalize === undefined ? {} : { normalize }),
    ...(classNames === undefined ? {} : { classNames }),
  };
}
