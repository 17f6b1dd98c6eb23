/** Writes schema/model-graph.schema.json from the graph format's zod schema (npm run schema). */
import { writeFileSync } from 'node:fs';
import { graphJsonSchema } from '../src/nn/graph/graph-json-schema.js';

const file = new URL('../schema/model-graph.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(graphJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
