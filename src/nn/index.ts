/**
 * Modules: layers that hold parameters and call the ops, PyTorch's torch.nn. Module is the
 * base (registration, parameters, state dicts, train/eval); Layer is a module of one tensor to
 * one tensor that knows its output shape; Sequential chains layers; summary prints a model;
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
export { Sequential } from './sequential.js';
export { summary, type ModelSummary, type SummaryRow } from './summary.js';
export { Graph } from './graph/graph.js';
export { GraphBuilder, graphFromSequential } from './graph/graph-builder.js';
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
