/**
 * The fast backend's kernels: every op file here declares the host code of the kernels it
 * speeds up (hostKernels), and the reference runs every kernel not declared.
 */
export * from './avg-pool2d.js';
export * from './batch-norm2d.js';
export * from './conv2d.js';
export * from './cross-entropy.js';
export * from './linear.js';
export * from './max-pool2d.js';
export * from './relu.js';
