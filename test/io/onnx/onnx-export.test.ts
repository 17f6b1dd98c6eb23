import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportOnnx, importOnnx, OnnxError } from '../../../src/io/onnx/index.js';
import { decodeOnnxModel } from '../../../src/io/onnx/onnx-proto.js';
import { graphFromSequential } from '../../../src/nn/graph/graph-builder.js';
import { Graph } from '../../../src/nn/graph/graph.js';
import { seedNet } from '../../../src/nn/presets.js';
import { Tensor } from '../../../src/tensor.js';
import { testGraphs } from './onnx-graphs.js';
import { assertWithinScale, inputsFor, ortSession, ours, runOrt } from './ort-helpers.js';

describe('exportOnnx: ONNX Runtime computes what we compute', () => {
  for (const { name, graph } of testGraphs()) {
    it(`${name}: every output within 1e-5 of its scale, batch 1 and 3`, async () => {
      const session = await ortSession(exportOnnx(graph));
      assert.deepEqual(session.outputNames, [...graph.outputs]);
      for (const batch of [1, 3]) {
        const inputs = inputsFor(graph, batch, batch);
        const expected = ours(graph, inputs);
        const actual = await runOrt(session, inputs);
        for (const [output, y] of expected) {
          const got = actual.get(output);
          assert.ok(got !== undefined, `ORT has output ${output}`);
          const c = assertWithinScale(got, y.data, `${name} ${output} batch ${batch}`);
          console.log(
            `  ${name} ${output} batch ${batch}: max |ours - ORT| ${c.maxAbsDiff.toExponential(2)}`,
          );
        }
      }
    });
  }

  it('writes opset 17, IR 8, the batch axis as N, initializers named by state-dict keys', () => {
    const graph = graphFromSequential(seedNet(), [1, 28, 28]);
    const model = decodeOnnxModel(exportOnnx(graph));
    assert.equal(model.irVersion, 8);
    assert.deepEqual(model.opsetImport, [{ version: 17 }]);
    const input = model.graph?.input?.[0];
    assert.deepEqual(input?.type?.tensorType?.shape?.dim, [
      { dimParam: 'N' },
      { dimValue: 1 },
      { dimValue: 28 },
      { dimValue: 28 },
    ]);
    const names = (model.graph?.initializer ?? []).map((t) => t.name);
    assert.deepEqual(names, [...graph.stateDict().keys()]);
  });

  it('puts the normalisation in front (pixels in [0, 1]) and the class names in the metadata', async () => {
    const graph = testGraphs()[0].graph;
    const normalize = { mean: [0.1307], std: [0.3081] };
    const classNames = [
      'zero',
      'one',
      'two',
      'three',
      'four',
      'five',
      'six',
      'seven',
      'eight',
      'nine',
    ];
    const bytes = exportOnnx(graph, { normalize, classNames });
    const pixels = inputsFor(graph, 2, 7).input;
    const normalized = new Tensor(
      Float32Array.from(pixels.data, (v) =>
        Math.fround(Math.fround(v - 0.1307) / Math.fround(0.3081)),
      ),
      pixels.shape,
    );
    const expected = ours(graph, { input: normalized }).get(graph.outputs[0]);
    const actual = (await runOrt(await ortSession(bytes), { input: pixels })).get(graph.outputs[0]);
    assert.ok(expected !== undefined && actual !== undefined);
    assertWithinScale(actual, expected.data, 'normalised seed net');
    const model = decodeOnnxModel(bytes);
    assert.deepEqual(model.metadataProps, [
      { key: 'class_names', value: JSON.stringify(classNames) },
    ]);
    const imported = importOnnx(bytes);
    assert.deepEqual(imported.normalize, normalize);
    assert.deepEqual(imported.classNames, classNames);
  });

  it('takes a Sequential with an inputShape', async () => {
    const model = seedNet({ seed: 3 }).eval();
    const bytes = exportOnnx(model, { inputShape: [1, 28, 28] });
    const x = inputsFor(graphFromSequential(model, [1, 28, 28]), 2, 1).input;
    const expected = ours(graphFromSequential(model, [1, 28, 28]), { input: x });
    const actual = await runOrt(await ortSession(bytes), { input: x });
    assertWithinScale([...actual.values()][0], [...expected.values()][0].data, 'sequential');
    assert.throws(() => exportOnnx(model), /needs options.inputShape/);
  });

  it('refuses what has no exact ONNX form, naming the node', () => {
    const uneven = Graph.fromSpec({
      format: 'convnet-ts-graph',
      version: 1,
      inputs: [{ name: 'x', shape: [1, 7, 7] }],
      nodes: [{ name: 'pool', op: 'AdaptiveAvgPool2d', config: { outputSize: 3 } }],
      outputs: ['pool'],
    });
    assert.throws(
      () => exportOnnx(uneven),
      (e: unknown) =>
        e instanceof OnnxError &&
        /node 'pool' \(AdaptiveAvgPool2d\): input \(7,7\) to output \(3,3\)/.test(e.message),
    );
    const batchStats = Graph.fromSpec({
      format: 'convnet-ts-graph',
      version: 1,
      inputs: [{ name: 'x', shape: [2, 4, 4] }],
      nodes: [
        { name: 'bn', op: 'BatchNorm2d', config: { numFeatures: 2, trackRunningStats: false } },
      ],
      outputs: ['bn'],
    });
    assert.throws(
      () => exportOnnx(batchStats),
      /node 'bn' \(BatchNorm2d\): has no running statistics/,
    );
    assert.throws(
      () =>
        exportOnnx(graphFromSequential(seedNet(), [1, 28, 28]), {
          normalize: { mean: [0.5, 0.5], std: [1, 1] },
        }),
      /normalize has 2 means and 2 stds, the input has 1 channels/,
    );
  });
});
