/**
 * `--model my-net.json`: a network described in a graph file, trained, evaluated, predicted on,
 * visualized and summarized from the command line; a file with a mistake is refused naming the
 * file, the node and the field. Run in-process through createProgram on a small subset.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { modelFromFile } from '../../src/io/model-file.js';
import { tempDir } from '../viz/helpers.js';
import { runConvnet } from './run-convnet.js';

const convnet = (args: string[]): Promise<string> => runConvnet(...args);

const example = new URL('../../examples/graphs/residual-net.json', import.meta.url);

describe('convnet --model GRAPH.json', () => {
  const dir = tempDir('convnet-graph-file-');
  const graphFile = join(dir, 'my-net.json');
  writeFileSync(graphFile, readFileSync(example));

  it('trains the file, and every command takes the run', async () => {
    const out = join(dir, 'run');
    const common = ['--limit-train', '256', '--limit-test', '64', '--batch-size', '32'];
    const trained = await convnet([
      'train',
      '--model',
      graphFile,
      '--epochs',
      '1',
      '--out',
      out,
      ...common,
      '--backend',
      'reference',
    ]);
    assert.match(trained, /model saved in/);
    const { spec, model } = modelFromFile(readFileSync(join(out, 'model.safetensors')));
    assert.equal(spec.name, 'my-net');
    assert.ok(model.nodes().some((n) => n.op === 'Add'));
    const evaluated = await convnet(['eval', '--model', out, '--limit-test', '64']);
    assert.match(evaluated, /model: my-net from/);
    const summary = await convnet(['summary', '--model', out]);
    assert.match(summary, /block\.add \(Add\) +\(1,16,28,28\) +0 +stem_relu, block\.relu/);
  });

  it('refuses a file with a mistake, naming the file, the node and the field', async () => {
    const graph = JSON.parse(readFileSync(example, 'utf8'));
    const cases: [(g: typeof graph) => void, RegExp][] = [
      [(g) => (g.nodes[0].op = 'Conv3d'), /my-net\.json: node 'stem': unknown layer type "Conv3d"/],
      [
        (g) => (g.nodes[4].inputs = ['stem_relu', 'nope']),
        /node 'block\.add' \(Add\): input 'nope' is neither a graph input nor an earlier node/,
      ],
      [
        (g) => (g.nodes[2].config.outChannels = 8),
        /Graph: node 'block\.add' \(Add\): input 0 \(1,16,28,28\) and input 1 \(1,8,28,28\) must have the same shape/,
      ],
      [
        (g) => (g.nodes[7].config.outFeatures = 5),
        /my-net\.json: a classifier's output must be \(N, 10\), one score per class; output 'fc' is \(N, 5\)/,
      ],
      [
        (g) => (g.inputs[0].shape = [3, 28, 28]),
        /my-net\.json: input 'image' takes 3x28x28 images, the dataset's are 1x28x28/,
      ],
    ];
    for (const [edit, message] of cases) {
      const broken = structuredClone(graph);
      edit(broken);
      writeFileSync(graphFile, JSON.stringify(broken));
      await assert.rejects(
        convnet([
          'train',
          '--model',
          graphFile,
          '--epochs',
          '1',
          '--limit-train',
          '64',
          '--limit-test',
          '32',
          '--out',
          join(dir, 'never'),
        ]),
        (error: unknown) => error instanceof Error && message.test(error.message),
        String(message),
      );
    }
    writeFileSync(graphFile, '{ "format": ');
    await assert.rejects(
      convnet(['summary', '--model', graphFile]),
      /my-net\.json: not valid JSON/,
    );
    await assert.rejects(convnet(['eval', '--model', join(dir, 'missing.json')]), /missing\.json/);
  });
});
