/**
 * Writes the ONNX tests' graphs (test/io/onnx/onnx-graphs.ts: every preset, a U-Net-like graph
 * with skips and two outputs, and a graph holding every layer type, with seeded weights and
 * batch-norm statistics drawn away from their initial values) as model files, so that tools
 * outside the project can be checked on every layer type (docs/leaving.md):
 *
 *   node --import tsx scripts/write-test-model-files.ts DIR
 *
 * writes DIR/<name>.safetensors, the name with spaces as dashes (DIR/every-layer.safetensors).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { encodeModelFile } from '../src/io/model-file.js';
import { testGraphs } from '../test/io/onnx/onnx-graphs.js';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined || process.argv.length !== 3) {
    throw new Error('usage: write-test-model-files.ts DIR');
  }
  mkdirSync(dir, { recursive: true });
  for (const { name, graph } of testGraphs()) {
    const file = join(dir, `${name.replaceAll(' ', '-')}.safetensors`);
    const nodes = graph.nodes();
    await writeFileAtomic(file, encodeModelFile({ name, seed: 0 }, graph));
    console.log(
      `wrote ${file}: ${nodes.length} nodes (${new Set(nodes.map((n) => n.op)).size} layer types)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(
    `write-test-model-files: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
});
