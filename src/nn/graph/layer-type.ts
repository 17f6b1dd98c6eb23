/**
 * A layer type of the graph format: how one built-in layer class is written to a graph file
 * and rebuilt from it. layerType() takes a typed definition (the config's zod schema, build and
 * describe) and returns the erased entry that the table (layer-table.ts), the schema and the
 * Graph use, so that the table is data and no code switches on layer names.
 *
 * build(describe(layer)) must make a layer that computes exactly what `layer` computes given
 * the same weights: the round-trip test holds every entry to that.
 */
import type { z } from 'zod';
import type { Rng } from '../../rng.js';
import type { DType } from '../../tensor.js';
import type { MergeLayer } from '../merge-layer.js';
import type { AnyModule, Layer } from '../module.js';

/** What a graph node holds: a layer (one input) or a merge layer (two or more). */
export type GraphLayer = Layer | MergeLayer;

/** What building a node draws on: the initialisation stream, dropout's stream, the dtype. */
export interface BuildContext {
  rng: Rng;
  /** Dropout masks have a stream of their own (see Graph.fromSpec). */
  dropoutRng: Rng;
  dtype: DType;
}

/** The typed definition of a layer type (see layerType). */
export interface LayerTypeDefinition<S extends z.ZodObject, L extends GraphLayer> {
  layerClass: abstract new (...args: never[]) => L;
  /** The config's schema: every field with its default, so a file may leave defaults out. */
  config: S;
  /** 'one' for a Layer, 'many' for a MergeLayer (two or more inputs). */
  inputs: 'one' | 'many';
  /** One line for the JSON Schema's description (what editors show). */
  description: string;
  build(config: z.output<S>, context: BuildContext): L;
  /** The layer's complete config, every default written out. */
  describe(layer: L): z.output<S>;
  /** Elements of the parameters build would allocate; default 0. */
  parameters?(config: z.output<S>): number;
}

/** A table entry: the definition with its types erased, for code that walks the table. */
export interface LayerType {
  readonly inputs: 'one' | 'many';
  readonly description: string;
  readonly config: z.ZodObject;
  /** Whether the module is this type's class exactly (a subclass is a layer of its own). */
  owns(module: AnyModule): boolean;
  /** Builds from a config the schema has accepted. */
  build(config: unknown, context: BuildContext): GraphLayer;
  describe(module: AnyModule): Record<string, unknown>;
  parameters(config: unknown): number;
}

export function layerType<S extends z.ZodObject, L extends GraphLayer>(
  definition: LayerTypeDefinition<S, L>,
): LayerType {
  const { layerClass, config, inputs, description } = definition;
  const asLayer = (module: AnyModule): L => {
    if (!(module instanceof layerClass)) {
      throw new TypeError(`expected a ${layerClass.name}, got ${module.typeName}`);
    }
    return module;
  };
  return {
    inputs,
    description,
    config,
    owns: (module) => module.constructor === layerClass,
    build: (value, context) => definition.build(config.parse(value), context),
    describe: (module) => definition.describe(asLayer(module)),
    parameters: (value) => definition.parameters?.(config.parse(value)) ?? 0,
  };
}
