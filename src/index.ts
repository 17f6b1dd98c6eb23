/**
 * The package root (`convnet-ts`), for Node. A small root (core.ts: Tensor, Rng, noGrad,
 * ShapeError, backend selection) and one namespace per part, as torch.nn and torch.optim are:
 *
 *   import { Tensor, nn, optim, data, useWasmBackend } from 'convnet-ts';
 *   const F = nn.functional; // the differentiable ops: F.conv2d, F.relu, F.crossEntropy, ...
 *
 * The namespaces here are the Node ones: data, io, train and viz add the file readers,
 * downloads, checkpoints, fit() and the picture writers to what the browser entry
 * (browser.ts) has. Autograd's tape, the geometry builders, the kernel registry and the
 * reference kernels are in convnet-ts/internals (internals.ts).
 */
export * from './core.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as io from './io/index.js';
export * as viz from './viz/index.js';
export * as check from './check/index.js';
export * as apps from './apps/index.js';
