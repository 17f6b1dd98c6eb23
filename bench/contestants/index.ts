/** The registry: every contestant, in the order the tables list them. */
import type { Contestant } from './contestant.js';
import { convnetjs } from './convnetjs.js';
import { convnetWasm } from './convnet-wasm.js';
import { jaxJs } from './jax-js.js';
import { onnxruntime } from './onnxruntime.js';
import { pytorch } from './pytorch.js';
import { reference } from './reference.js';
import { tfjsCpu } from './tfjs-cpu.js';
import { tfjsWasm } from './tfjs-wasm.js';

export const CONTESTANTS: readonly Contestant[] = [
  convnetWasm,
  reference,
  tfjsWasm,
  jaxJs,
  tfjsCpu,
  convnetjs,
  onnxruntime,
  pytorch,
];
