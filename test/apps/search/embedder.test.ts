import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embedderOf } from '../../../src/apps/search/embedder.js';
import { embeddingNet } from '../../../src/apps/search/embedding-net.js';
import { unetLite } from '../../../src/apps/segmentation/unet-lite.js';
import { buildModel, completeModelSpec } from '../../../src/io/model-spec.js';
import { noGrad } from '../../../src/autograd.js';
import { Tensor } from '../../../src/tensor.js';

describe('embedderOf', () => {
  it('takes an embedding model as it is', () => {
    const model = embeddingNet({ seed: 1, dim: 16 });
    const e = embedderOf('embedding', model);
    assert.equal(e.model, model);
    assert.equal(e.dim, 16);
    assert.equal(e.kind, 'embedding');
    assert.equal(e.description, 'embedding 16-d');
  });

  it("uses a classifier's hidden layer: the last Linear node's input, with the same weights", () => {
    const model = buildModel(completeModelSpec({ preset: 'seed-net', options: { seed: 3 } }));
    const e = embedderOf('classification', model);
    assert.equal(e.kind, 'hidden-layer');
    assert.equal(e.dim, 128);
    const x = new Tensor(
      Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => (i % 7) / 7),
      [2, 1, 28, 28],
    );
    noGrad(() => {
      const hidden = e.model.forward(x);
      assert.deepEqual(hidden.shape, [2, 128]);
      // The classifier's logits are the last Linear applied to the hidden layer.
      const all = model.run(x, { keep: 'all' });
      const nodes = model.nodes();
      const cut = all.get(nodes[nodes.length - 1].inputs[0]);
      assert.ok(cut !== undefined);
      assert.deepEqual(Array.from(hidden.data), Array.from(cut.data));
    });
  });

  it('refuses a segmentation model, naming its task and the source', () => {
    assert.throws(
      () => embedderOf('segmentation', unetLite({ seed: 0 }), 'masks.safetensors'),
      /masks\.safetensors is a segmentation model: similar-image search takes an embedding model/,
    );
  });
});
