/** Every reference kernel as a free function, for readers and for the example pipeline. */
export * from './conv2d.js';
export * from './max-pool2d.js';
export * from './avg-pool2d.js';
export * from './relu.js';
export * from './linear.js';
export * from './softmax-cross-entropy.js';
