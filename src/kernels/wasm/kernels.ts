/**
 * The fast backend's kernels: every op file here declares the host code of the kernels it
 * speeds up (hostKernels), and the reference runs every kernel not declared.
 */
export * from './adam-update.js';
export * from './add.js';
export * from './argmax.js';
export * from './avg-pool2d.js';
export * from './batch-norm2d.js';
export * from './concat.js';
export * from './binary-cross-entropy-with-logits.js';
export * from './conv-transpose2d.js';
export * from './conv2d.js';
export * from './conv2d-relu-pool.js';
export * from './cross-entropy.js';
export * from './div.js';
export * from './dropout.js';
export * from './gelu.js';
export * from './l2-normalize.js';
export * from './leaky-relu.js';
export * from './linear.js';
export * from './log-softmax.js';
export * from './matmul.js';
export * from './max-pool2d.js';
export * from './mean.js';
export * from './mse-loss.js';
export * from './mul.js';
export * from './permute.js';
export * from './relu.js';
export * from './sgd-update.js';
export * from './sigmoid.js';
export * from './silu.js';
export * from './softmax.js';
export * from './smooth-l1-loss.js';
export * from './sub.js';
export * from './sum.js';
export * from './tanh.js';
export * from './top-k.js';
export * from './upsample-bilinear2d.js';
export * from './upsample-nearest2d.js';
