/**
 * Modules: layers that hold parameters and call the ops, PyTorch's torch.nn. Module is the
 * base (registration, parameters, state dicts, train/eval); Layer is a module of one tensor to
 * one tensor that knows its output shape, MergeLayer (Add, Concat) one of several; Sequential
 * chains layers; Graph joins them by name (any DAG) and is what a graph file describes
 * (graph/); summary prints a model;
 * init holds the initialisers; presets build whole networks; functional holds the
 * differentiable ops the layers call (PyTorch's torch.nn.functional: conv2d, relu,
 * crossEntropy, ...).
 */
export { Module, Layer } from './module.js';
export type {
  AnyModule,
  StateDict,
  LoadStateDictOptions,
  LoadStateDictResult,
  NamedTensor,
  NamedModule,
} from './module.js';
export { Conv2d, type Conv2dLayerOptions } from './conv2d.js';
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from './conv-transpose2d.js';
export { MaxPool2d, type MaxPool2dLayerOptions } from './max-pool2d.js';
export { AvgPool2d, type AvgPool2dLayerOptions } from './avg-pool2d.js';
export { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
export { GlobalAvgPool2d } from './global-avg-pool2d.js';
export { Linear, type LinearLayerOptions } from './linear.js';
export { ReLU } from './relu.js';
export { LeakyReLU } from './leaky-relu.js';
export { Sigmoid } from './sigmoid.js';
export { Tanh } from './tanh.js';
export { GELU } from './gelu.js';
export { SiLU } from './silu.js';
export { BatchNorm2d, type BatchNorm2dLayerOptions } from './batch-norm2d.js';
export { Dropout, type DropoutLayerOptions } from './dropout.js';
export { Flatten } from './flatten.js';
export { Upsample, type UpsampleLayerOptions, type UpsampleMode } from './upsample.js';
export { Softmax } from './softmax.js';
export { L2Normalize } from './l2-normalize.js';
export { MergeLayer } from './merge-layer.js';
export { Add } from './add.js';
export { Concat } from './concat.js';
export { ModuleDict } from './module-dict.js';
export { Sequential } from './sequential.js';
export {
  Graph,
  type GraphNode,
  type GraphFromSpecOptions,
  type GraphRunOptions,
  type GraphInputs,
} from './graph/graph.js';
export { GraphBuilder, graphFromSequential, type GraphValue } from './graph/graph-builder.js';
export {
  GRAPH_FORMAT,
  GRAPH_VERSION,
  GRAPH_LIMITS,
  GraphSpecError,
  graphSchema,
  parseGraphSpec,
  type GraphSpec,
  type GraphSpecInput,
  type GraphNodeSpec,
  type GraphInputSpec,
} from './graph/graph-spec.js';
export {
  LAYER_TYPES,
  LAYER_TYPE_NAMES,
  layerTypeOf,
  type LayerTypeName,
} from './graph/layer-table.js';
export type { LayerType, GraphLayer, BuildContext } from './graph/layer-type.js';
export { summary, type ModelSummary, type SummaryRow } from './summary.js';
export {
  seedNet,
  lenet5,
  fashionNet,
  type PresetOptions,
  type LeNet5Options,
  type FashionNetOptions,
} from './presets.js';
export {
  PRESETS,
  PRESET_NAMES,
  COMMON_PRESET_DEFAULTS,
  buildPreset,
  presetGraph,
  isPresetName,
  presetEntry,
  presetOptionNames,
  type PresetName,
  type PresetEntry,
  type PresetBuildOptions,
  type PresetSpecificOptions,
  type PresetOptionRule,
  type PresetOptionRules,
} from './preset-table.js';
export { manualSeed, getDefaultRng, calculateGain, computeFans } from './init.js';
export type {
  ParameterOptions,
  InitOptions,
  KaimingOptions,
  XavierOptions,
  FanMode,
  Nonlinearity,
} from './init.js';
export * as init from './init.js';
export * as functional from '../ops/index.js';
