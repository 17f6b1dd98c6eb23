/**
 * The public API's shape: a small root (the same names in Node and in the browser), one
 * namespace per part with its key members, internals under their own subpath, and a browser
 * entry whose modules import nothing from Node at load time. A name added to or removed from
 * a root is a decision: this list changes with it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as browser from '../src/browser.js';
import * as root from '../src/index.js';
import * as internals from '../src/internals.js';
import { moduleGraph } from './module-graph.js';

const ROOT = [
  'Rng',
  'ShapeError',
  'Tensor',
  'apps',
  'check',
  'createWasmBackend',
  'data',
  'getBackend',
  'io',
  'isGradEnabled',
  'nn',
  'noGrad',
  'optim',
  'referenceBackend',
  'residentTensors',
  'setBackend',
  'simdSupported',
  'train',
  'useWasmBackend',
  'viz',
];

/** Members each namespace must have in both entries (a sample, not the whole list). */
const SHARED: Record<string, string[]> = {
  nn: ['Module', 'Layer', 'Sequential', 'Conv2d', 'Linear', 'ReLU', 'summary', 'seedNet', 'init'],
  optim: ['SGD', 'Adam', 'AdamW', 'StepLR', 'OneCycleLR', 'clipGradNorm'],
  data: ['InMemoryDataset', 'DataLoader', 'channelStats', 'MNIST_CLASS_NAMES', 'gatherBatch'],
  train: ['createTrainStep', 'RunningMetrics', 'evaluate', 'ConfusionMatrix', 'NonFiniteError'],
  io: ['encodeSafetensors', 'decodeSafetensors', 'encodeModelFile', 'modelFromFile', 'parseJson'],
  viz: ['captureFeatureMaps'],
  check: ['compareArrays', 'assertClose', 'checkGradient', 'assertGradient'],
};

/** Members only the Node entry has: they read or write files, download or render images. */
const NODE_ONLY: Record<string, string[]> = {
  data: [
    'mnistDataset',
    'loadMnistDigits',
    'readIdxDataset',
    'loadFashionMnist',
    'loadImageFolder',
  ],
  train: ['fit', 'trainRun', 'loadTrainedModel', 'consoleReporter'],
  io: ['readSafetensors', 'writeSafetensors', 'saveCheckpoint', 'loadCheckpoint'],
  viz: ['visualizeModel', 'writeTrainingReport', 'encodePng'],
};

/** Members of each application namespace (root.apps.<name>) in both entries, and Node-only ones. */
const APPS_SHARED: Record<string, string[]> = {
  detection: [
    'digitDetector',
    'decodeDetections',
    'nms',
    'averagePrecision',
    'makeScenes',
    'detectorLayout',
    'detectImage',
    'createDetectorStep',
  ],
  segmentation: [
    'unetLite',
    'segmentImage',
    'SegmentationConfusion',
    'diceLoss',
    'generateDigitMasks',
    'segmenterStride',
    'requireSegmenter',
    'createSegmentationStep',
    'classColor',
  ],
  search: [
    'embeddingNet',
    'embeddingBnNet',
    'EMBEDDING_RECIPE',
    'embedderOf',
    'topK',
    'RetrievalMetrics',
    'ProxyLoss',
    'tripletLoss',
  ],
};
const APPS_NODE_ONLY: Record<string, string[]> = {
  detection: ['readCocoFolder', 'loadDetector', 'detectionRun'],
  segmentation: ['readSegmentationFolder', 'loadSegmenter'],
  search: ['HnswIndex', 'VectorStore'],
};

const FUNCTIONAL = ['conv2d', 'maxPool2d', 'linear', 'relu', 'softmax', 'crossEntropy', 'mseLoss'];

const INTERNALS = ['record', 'GradNode', 'conv2dGeometry', 'stridesOf', 'reference'];

function keysOf(namespace: unknown): string[] {
  assert.ok(typeof namespace === 'object' && namespace !== null, 'a namespace object');
  return Object.keys(namespace);
}

function missing(namespace: unknown, names: readonly string[]): string[] {
  const keys = new Set(keysOf(namespace));
  return names.filter((name) => !keys.has(name));
}

describe('package root (convnet-ts)', () => {
  it('exports exactly the small root', () => {
    assert.deepEqual(Object.keys(root).sort(), ROOT);
  });

  it('has the key members in each namespace', () => {
    for (const [name, members] of Object.entries(SHARED)) {
      assert.deepEqual(missing(Reflect.get(root, name), members), [], `root ${name}`);
    }
    for (const [name, members] of Object.entries(NODE_ONLY)) {
      assert.deepEqual(missing(Reflect.get(root, name), members), [], `root ${name}`);
    }
    assert.deepEqual(missing(root.nn.functional, FUNCTIONAL), []);
    for (const [name, members] of Object.entries({ ...APPS_SHARED })) {
      const both = [...members, ...(APPS_NODE_ONLY[name] ?? [])];
      assert.deepEqual(missing(Reflect.get(root.apps, name), both), [], `root apps.${name}`);
    }
  });

  it('keeps the internals off the root and its namespaces', () => {
    const everywhere = new Set([
      ...Object.keys(root),
      ...ROOT.filter((name) => typeof Reflect.get(root, name) === 'object').flatMap((name) =>
        keysOf(Reflect.get(root, name)),
      ),
    ]);
    assert.deepEqual(
      INTERNALS.filter((name) => everywhere.has(name)),
      [],
    );
  });
});

describe('browser entry (convnet-ts/browser)', () => {
  it('has the same root names as the Node entry', () => {
    assert.deepEqual(Object.keys(browser).sort(), ROOT);
  });

  it('has the shared members in each namespace and none of the Node-only ones', () => {
    for (const [name, members] of Object.entries(SHARED)) {
      assert.deepEqual(missing(Reflect.get(browser, name), members), [], `browser ${name}`);
    }
    for (const [name, members] of Object.entries(NODE_ONLY)) {
      const keys = new Set(keysOf(Reflect.get(browser, name)));
      assert.deepEqual(
        members.filter((member) => keys.has(member)),
        [],
        `browser ${name}`,
      );
    }
    assert.deepEqual(missing(browser.nn.functional, FUNCTIONAL), []);
    for (const [name, members] of Object.entries(APPS_SHARED)) {
      const keys = new Set(keysOf(Reflect.get(browser.apps, name)));
      assert.deepEqual(
        missing(Reflect.get(browser.apps, name), members),
        [],
        `browser apps.${name}`,
      );
      const nodeOnly = APPS_NODE_ONLY[name] ?? [];
      assert.deepEqual(
        nodeOnly.filter((member) => keys.has(member)),
        [],
        `browser apps.${name}`,
      );
    }
  });

  it('imports no other package at load time but @noble/hashes, zod and protobufjs, and Node only lazily in the wasm backend', () => {
    const { files, outside, lazy } = moduleGraph('browser.ts');
    assert.ok(files.length > 50, `walked ${files.length} files`);
    // @noble/hashes (model-file digests), zod (the graph and model-spec schemas) and protobufjs
    // (ONNX files) are written for browsers and Node alike.
    assert.deepEqual(
      outside.filter(
        (line) => !/ imports (@noble\/hashes\/[\w-]+\.js|zod|protobufjs\/light\.js)$/.test(line),
      ),
      [],
    );
    // The wasm backend's Node paths (reading build/*.wasm, os, worker_threads) load their
    // modules with import() when they run; bundlers stub them (web/vite.config.ts).
    const unexpected = lazy.filter(
      (line) => !/^kernels\/wasm\/[\w-]+\.ts imports node:[\w/]+$/.test(line),
    );
    assert.deepEqual(unexpected, []);
  });
});

describe('internals (convnet-ts/internals)', () => {
  it('has the tape, the geometry builders and the reference kernels', () => {
    assert.deepEqual(missing(internals, INTERNALS), []);
    assert.equal(typeof internals.reference.conv2dForward, 'function');
  });
});
