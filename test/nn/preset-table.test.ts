import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { Graph } from '../../src/nn/graph/graph.js';
import { MODEL_FILE_FORMAT, modelFromFile } from '../../src/io/model-file.js';
import {
  COMMON_PRESET_DEFAULTS,
  PRESET_NAMES,
  buildPreset,
  isPresetName,
  presetEntry,
  presetGraph,
  presetOptionNames,
} from '../../src/nn/preset-table.js';
import type { Layer } from '../../src/nn/module.js';

function parameterCount(model: Layer): number {
  return model.parameters().reduce((sum, p) => sum + p.size, 0);
}

function assertSameState(a: Layer, b: Layer, what: string): void {
  const stateA = a.stateDict();
  const stateB = b.stateDict();
  assert.deepEqual([...stateA.keys()], [...stateB.keys()], what);
  for (const [name, t] of stateA) {
    assert.deepEqual(t.data, stateB.get(name)?.data, `${what}: ${name} differs`);
  }
}

describe('preset table', () => {
  it('lists the presets in the order --help and errors name them', () => {
    assert.deepEqual(PRESET_NAMES, ['seed-net', 'lenet5', 'fashion-net']);
    assert.ok(isPresetName('lenet5'));
    for (const name of ['LeNet5', 'resnet', 'toString', '__proto__', '']) {
      assert.equal(isPresetName(name), false, name);
    }
  });

  it("each description's parameter count is the built model's on 1x28x28", () => {
    for (const name of PRESET_NAMES) {
      const described = /\(([\d,]+) parameters on 1x28x28\)/.exec(presetEntry(name).description);
      assert.ok(described !== null, `${name}: the description gives no parameter count`);
      assert.equal(
        parameterCount(buildPreset(name)),
        Number(described[1].replaceAll(',', '')),
        name,
      );
    }
  });

  it("the common defaults are the builders' own, and each rule accepts its default", () => {
    for (const name of PRESET_NAMES) {
      assertSameState(buildPreset(name), buildPreset(name, COMMON_PRESET_DEFAULTS), name);
      const rules = presetEntry(name).options;
      for (const option of presetOptionNames(rules)) {
        const rule = rules[option];
        assert.ok(rule?.accepts(rule.defaultValue), `${name}: ${option}'s default is refused`);
      }
    }
  });

  it('each preset is a graph description that rebuilds the same weights from the same seed', () => {
    for (const name of PRESET_NAMES) {
      const spec = JSON.parse(JSON.stringify(presetGraph(name, { seed: 5 })));
      assertSameState(Graph.fromSpec(spec, { seed: 5 }), buildPreset(name, { seed: 5 }), name);
    }
  });

  it('model files written before graphs (a preset spec) still load, with the same model', () => {
    const written: Record<string, string> = {
      'seed-net':
        '{"preset":"seed-net","options":{"seed":0,"inChannels":1,"numClasses":10,"imageSize":[28,28]}}',
      lenet5:
        '{"preset":"lenet5","options":{"seed":0,"inChannels":1,"numClasses":10,"imageSize":[28,28],"activation":"relu","pooling":"max"}}',
      'fashion-net':
        '{"preset":"fashion-net","options":{"seed":0,"inChannels":1,"numClasses":10,"imageSize":[28,28],"dropout":0.25}}',
    };
    assert.deepEqual(Object.keys(written), PRESET_NAMES);
    for (const name of PRESET_NAMES) {
      const model = buildPreset(name);
      for (const p of model.parameters()) p.data[0] += 0.25;
      const spec = written[name];
      const bytes = encodeSafetensors(model.stateDict(), { format: MODEL_FILE_FORMAT, spec });
      const loaded = modelFromFile(bytes);
      assert.equal(loaded.spec.name, name);
      assert.deepEqual(loaded.spec.graph, presetGraph(name));
      assertSameState(loaded.model, model, name);
    }
  });
});
