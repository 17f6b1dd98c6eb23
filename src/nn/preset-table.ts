/**
 * The one table of model presets, by their command-line and file names. Everything that names a
 * preset reads it: the one-file model format (src/io/model-file.ts), the training recipe and
 * checkpoint spec (src/io/model-spec.ts, src/train/recipe.ts) and the CLI's --model. Adding
 * a preset is a builder in presets.ts and one entry here. Each preset is served as a graph
 * (buildPreset, presetGraph): the builder's Sequential described node by node, so a model file
 * holds the preset's architecture like any other graph.
 *
 * Each entry holds the builder, a line for --help, and the preset's own options beyond the
 * common ones (seed, inChannels, numClasses, imageSize): their defaults and the values they
 * accept, in the order a model file writes them, so that a file checks and fills them in
 * without knowing the preset.
 */
import {
  fashionNet,
  lenet5,
  seedNet,
  type FashionNetOptions,
  type LeNet5Options,
  type PresetOptions,
} from './presets.js';
import { checkPair } from '../shape/shape-error.js';
import { graphFromSequential } from './graph/graph-builder.js';
import type { Graph } from './graph/graph.js';
import type { GraphSpec } from './graph/graph-spec.js';
import type { Sequential } from './sequential.js';

/**
 * The options some presets take beyond PresetOptions (lenet5's activation and pooling,
 * fashion-net's dropout). A preset with options of its own adds its options type here.
 */
export type PresetSpecificOptions = Omit<LeNet5Options & FashionNetOptions, keyof PresetOptions>;

/** What every builder accepts: the common options and any preset's own. */
export type PresetBuildOptions = PresetOptions & PresetSpecificOptions;

/** One preset-specific option: its default and the values it accepts. */
export interface PresetOptionRule<T> {
  defaultValue: T;
  /** The accepted values in words, for errors: `'relu' or 'tanh'`. */
  expected: string;
  accepts(value: unknown): value is T;
}

/** A preset's own options, each with its rule; the key order is the order files write them. */
export type PresetOptionRules = {
  readonly [K in keyof PresetSpecificOptions]?: PresetOptionRule<
    NonNullable<PresetSpecificOptions[K]>
  >;
};

/** The names of a preset's own options, in the order its entry lists them. */
export function presetOptionNames(rules: PresetOptionRules): (keyof PresetSpecificOptions)[] {
  const isRuleName = (name: string): name is keyof PresetSpecificOptions =>
    Object.hasOwn(rules, name);
  return Object.keys(rules).filter(isRuleName);
}

export interface PresetEntry {
  /** Builds the preset; options it does not take are ignored. */
  build: (options: PresetBuildOptions) => Sequential;
  /** One line for --help and errors. */
  description: string;
  options: PresetOptionRules;
}

/** The defaults of the options every preset takes (the builders' own defaults). */
export const COMMON_PRESET_DEFAULTS = Object.freeze({
  seed: 0,
  inChannels: 1,
  numClasses: 10,
  imageSize: 28,
});

/**
 * The largest inputs and outputs a preset is built for, wherever a spec comes from (a model file,
 * a checkpoint, the CLI): a hostile or mistyped spec cannot make a reader build a huge model.
 */
export const PRESET_INPUT_LIMITS = Object.freeze({
  imageSize: 1024,
  inChannels: 64,
  numClasses: 100_000,
});

function oneOf<T extends string>(choices: readonly T[], defaultValue: T): PresetOptionRule<T> {
  return {
    defaultValue,
    expected: choices.map((choice) => `'${choice}'`).join(' or '),
    accepts: (value): value is T => choices.some((choice) => choice === value),
  };
}

function probability(defaultValue: number): PresetOptionRule<number> {
  return {
    defaultValue,
    expected: 'a number in [0, 1)',
    accepts: (value): value is number => typeof value === 'number' && value >= 0 && value < 1,
  };
}

/** Every preset, by name; the key order is the order --help and errors list them. */
export const PRESETS = Object.freeze({
  'seed-net': {
    build: seedNet,
    description: 'conv3x3 32, pool, conv3x3 64, pool, fc 128, fc (421,642 parameters on 1x28x28)',
    options: {},
  },
  lenet5: {
    build: lenet5,
    description: 'LeNet-5 with ReLU and max pooling (61,706 parameters on 1x28x28)',
    options: {
      activation: oneOf(['relu', 'tanh'], 'relu'),
      pooling: oneOf(['max', 'avg'], 'max'),
    },
  },
  'fashion-net': {
    build: fashionNet,
    description: '4 conv3x3 with batch norm, dropout, fc 128 (468,010 parameters on 1x28x28)',
    options: { dropout: probability(0.25) },
  },
} satisfies Record<string, PresetEntry>);

export type PresetName = keyof typeof PRESETS;

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** The preset names, in the table's order. */
export const PRESET_NAMES: readonly PresetName[] = Object.freeze(
  Object.keys(PRESETS).filter(isPresetName),
);

/** The table's entry for a preset. */
export function presetEntry(preset: PresetName): PresetEntry {
  return PRESETS[preset];
}

/**
 * Builds a preset by name as a graph (initial weights from options.seed): its Sequential, each
 * node named by its layer's path (`features.0`), so the state dict has the preset's names.
 */
export function buildPreset(preset: PresetName, options: PresetBuildOptions = {}): Graph {
  const {
    inChannels = COMMON_PRESET_DEFAULTS.inChannels,
    imageSize = COMMON_PRESET_DEFAULTS.imageSize,
  } = options;
  const [H, W] = checkPair(imageSize, 'imageSize', preset);
  return graphFromSequential(presetEntry(preset).build(options), [inChannels, H, W], {
    description: `${preset}: ${presetEntry(preset).description}`,
  });
}

/**
 * A preset as a graph description: what a model file or checkpoint of the preset holds.
 * Graph.fromSpec(presetGraph(p, o), { seed: o.seed }) has the weights buildPreset(p, o) has.
 */
export function presetGraph(preset: PresetName, options: PresetBuildOptions = {}): GraphSpec {
  return buildPreset(preset, options).spec();
}
