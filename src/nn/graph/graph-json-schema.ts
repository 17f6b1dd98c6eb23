/**
 * The graph format as a JSON Schema (draft 2020-12), made from the same zod schema that checks
 * graph files (graph-spec.ts), so the two cannot disagree. The package ships it as
 * schema/model-graph.schema.json (written by `npm run schema`, kept current by a test): a graph
 * file that starts with
 *
 *   "$schema": "./node_modules/convnet-ts/schema/model-graph.schema.json"
 *
 * gets completion and checking in editors, as tsconfig.json does. Rules beyond the schema
 * (inputs that exist, names used once, sizes) are checked by parseGraphSpec only.
 */
import { z } from 'zod';
import { GRAPH_VERSION, graphSchema } from './graph-spec.js';

export const GRAPH_SCHEMA_ID = 'https://convnet-ts.dev/schema/model-graph.schema.json';

/** The JSON Schema of a graph file, as plain data. */
export function graphJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(graphSchema, { io: 'input' }),
    $id: GRAPH_SCHEMA_ID,
    title: `convnet-ts model graph, version ${GRAPH_VERSION}`,
    description:
      "A network as data: named inputs (one example's shape), nodes (a layer type, its config and the names it takes; by default the node before) and outputs. See docs/graphs.md.",
  };
}
