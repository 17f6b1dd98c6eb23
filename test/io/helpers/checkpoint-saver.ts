/**
 * Run by checkpoint.test.ts as a child process that the test kills with SIGKILL: saves
 * checkpoints into argv[2] with step 1, 2, 3, ... whose every part records the step (the
 * weights are filled with it), printing each step once saved, until it is killed.
 */
import { saveCheckpointSync } from '../../../src/io/checkpoint.js';
import { Tensor } from '../../../src/tensor.js';

const [dir, sizeText] = process.argv.slice(2);
const size = Number(sizeText);
for (let step = 1; ; step++) {
  saveCheckpointSync(dir, {
    spec: { layers: ['conv', 'relu'], step },
    weights: {
      'conv.weight': Tensor.from(new Float32Array(size).fill(step), [size]),
      'conv.bias': Tensor.from(new Float64Array(size).fill(step), [size], 'float64'),
    },
    optimizer: { optimizer: 'SGD', step },
    state: { step, history: [step] },
  });
  process.stdout.write(`${step}\n`);
}
