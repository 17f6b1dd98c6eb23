/**
 * The Optimizer base, through SGD, Adam and AdamW: param groups, zeroGrad, skipping parameters
 * without a grad, and the state dict (round trip, JSON, strict validation).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Adam } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import { SGD } from '../../src/optim/sgd.js';
import { Rng } from '../../src/rng.js';
import { Tensor, type DType } from '../../src/tensor.js';

function params(rng: Rng, dtype: DType = 'float64'): Tensor[] {
  return [
    Tensor.randn([3, 4], rng, 1, dtype),
    Tensor.randn([5], rng, 1, dtype),
    Tensor.randn([2, 3], rng, 1, dtype),
  ];
}

function setGrads(ps: Tensor[], rng: Rng, skip: number | null = null): void {
  ps.forEach((p, i) => {
    p.grad = i === skip ? null : Tensor.randn(p.shape, rng, 1, p.dtype);
  });
}

describe('Optimizer: construction and param groups', () => {
  it('rejects an empty parameter list', () => {
    assert.throws(() => new SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/);
  });

  it('rejects a mix of tensors and groups', () => {
    const [a, b] = params(new Rng(1));
    // @ts-expect-error: the types already forbid a mix; this is the check for plain JS callers
    assert.throws(() => new SGD([{ params: [a] }, b], { lr: 0.1 }), /SGD: params must be all/);
  });

  it('rejects a parameter that appears twice', () => {
    const [a, b] = params(new Rng(1));
    assert.throws(
      () => new SGD([{ params: [a, b] }, { params: [b] }], { lr: 0.1 }),
      /SGD: param group 1: params\[0\] appears more than once/,
    );
    assert.throws(
      () => new Adam([a, a]),
      /Adam: param group 0: params\[1\] appears more than once/,
    );
  });

  it('rejects an unknown option in a group, naming the options', () => {
    const [a] = params(new Rng(1));
    const group = JSON.parse('{"momentun": 0.9}');
    assert.throws(
      () => new SGD([{ params: [a], ...group }], { lr: 0.1 }),
      /SGD: param group 0 has an unknown option "momentun" \(options are lr, momentum, dampening, weightDecay, nesterov\)/,
    );
  });

  it('fills group options from the defaults; each group steps with its own lr', () => {
    const rng = new Rng(2);
    const [a, b, c] = params(rng);
    const opt = new SGD([{ params: [a] }, { params: [b, c], lr: 0.01 }], { lr: 0.5 });
    assert.equal(opt.paramGroups[0].lr, 0.5);
    assert.equal(opt.paramGroups[1].lr, 0.01);
    assert.equal(opt.paramGroups[1].momentum, 0);
    const before = [a, b, c].map((p) => Float64Array.from(p.data));
    setGrads([a, b, c], rng);
    opt.step();
    [a, b, c].forEach((p, i) => {
      const lr = i === 0 ? 0.5 : 0.01;
      const grad = p.grad?.data ?? new Float64Array(0);
      assert.deepEqual(
        Array.from(p.data),
        Array.from(before[i], (x, k) => x - lr * grad[k]),
      );
    });
  });

  it('addParamGroup adds a group that steps like the others', () => {
    const rng = new Rng(3);
    const [a, b] = params(rng);
    const opt = new Adam([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 0.2 });
    assert.equal(opt.paramGroups.length, 2);
    assert.deepEqual(opt.paramGroups[1].betas, [0.9, 0.999]);
    assert.deepEqual(opt.parameters(), [a, b]);
    assert.throws(() => opt.addParamGroup({ params: [a] }), /appears more than once/);
    assert.throws(() => opt.addParamGroup({ params: [] }), /Adam: param group 2 has no parameters/);
  });
});

describe('Optimizer: step and zeroGrad', () => {
  it('skips parameters without a grad: unchanged, and no state', () => {
    const rng = new Rng(4);
    const ps = params(rng);
    const opt = new Adam(ps, { lr: 0.1 });
    const before = Array.from(ps[1].data);
    setGrads(ps, rng, 1);
    opt.step();
    assert.deepEqual(Array.from(ps[1].data), before);
    const state = opt.stateDict().state;
    assert.equal(state[1], null);
    assert.notEqual(state[0], null);
  });

  it('checks every grad shape before moving any parameter', () => {
    const rng = new Rng(5);
    const ps = params(rng);
    const opt = new SGD(ps, { lr: 0.1 });
    setGrads(ps, rng);
    ps[2].grad = Tensor.zeros([3, 2], 'float64');
    const before = ps.map((p) => Array.from(p.data));
    assert.throws(
      () => opt.step(),
      /SGD: parameter 2 has shape \(2,3\), but its grad has shape \(3,2\)/,
    );
    assert.deepEqual(
      ps.map((p) => Array.from(p.data)),
      before,
    );
  });

  it('re-checks options at each step (a bad lr set by hand throws before any update)', () => {
    const rng = new Rng(6);
    const ps = params(rng);
    const opt = new SGD([{ params: [ps[0]] }, { params: [ps[1]] }], { lr: 0.1 });
    setGrads(ps, rng);
    opt.paramGroups[1].lr = -1;
    const before = Array.from(ps[0].data);
    assert.throws(() => opt.step(), /SGD: param group 1: lr must be >= 0, got -1/);
    assert.deepEqual(Array.from(ps[0].data), before);
  });

  it('zeroGrad sets grads to null by default (PyTorch 2), or fills them with zeros', () => {
    const rng = new Rng(7);
    const ps = params(rng);
    const opt = new SGD(ps, { lr: 0.1 });
    setGrads(ps, rng, 2);
    opt.zeroGrad({ setToNone: false });
    assert.ok(ps[0].grad !== null && ps[0].grad.data.every((x) => x === 0));
    assert.ok(ps[1].grad !== null && ps[1].grad.data.every((x) => x === 0));
    assert.equal(ps[2].grad, null, 'a null grad stays null');
    opt.zeroGrad();
    assert.ok(ps.every((p) => p.grad === null));
  });
});

type Make = (ps: Tensor[]) => SGD | Adam | AdamW;

const optimizers: [string, Make][] = [
  ['SGD (nesterov)', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
  [
    'SGD (two groups)',
    (ps) =>
      new SGD([{ params: [ps[0], ps[2]], momentum: 0.5, dampening: 0.1 }, { params: [ps[1]] }], {
        lr: 0.05,
        momentum: 0.9,
        weightDecay: 0.01,
      }),
  ],
  ['Adam (amsgrad)', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 })],
  ['AdamW', (ps) => new AdamW([{ params: ps.slice(0, 2) }, { params: [ps[2]], lr: 0.003 }])],
];

describe('Optimizer: state dict round trip', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, make] of optimizers) {
      it(`${name}, ${dtype}: 3 steps, save as JSON, restore on copies, 3 more steps: bitwise equal`, () => {
        const rng = new Rng(8);
        const ps = params(rng, dtype);
        const opt = make(ps);
        for (let s = 0; s < 3; s++) {
          setGrads(ps, rng, s === 1 ? 2 : null);
          opt.step();
        }
        const json = JSON.stringify(opt.stateDict());
        const copies = ps.map((p) => p.clone());
        const resumed = make(copies);
        resumed.loadStateDict(JSON.parse(json));
        assert.equal(JSON.stringify(resumed.stateDict()), json);
        for (let s = 0; s < 3; s++) {
          setGrads(ps, rng, s === 2 ? 0 : null);
          copies.forEach((c, i) => {
            const g = ps[i].grad;
            c.grad = g === null ? null : g.clone();
          });
          opt.step();
          resumed.step();
        }
        ps.forEach((p, i) => {
          assert.equal(copies[i].dtype, dtype);
          assert.deepEqual(Array.from(copies[i].data), Array.from(p.data), `parameter ${i}`);
        });
        assert.equal(JSON.stringify(resumed.stateDict()), JSON.stringify(opt.stateDict()));
      });
    }
  }

  it('records group options, step counts and buffers with their shapes', () => {
    const rng = new Rng(9);
    const ps = params(rng);
    const opt = new Adam(ps, { lr: 0.01 });
    setGrads(ps, rng);
    opt.step();
    setGrads(ps, rng, 1);
    opt.step();
    const sd = opt.stateDict();
    assert.equal(sd.optimizer, 'Adam');
    assert.deepEqual(sd.paramGroups, [
      {
        lr: 0.01,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        params: [0, 1, 2],
      },
    ]);
    const steps = sd.state.map((s) => (s === null ? null : s.step));
    assert.deepEqual(steps, [2, 1, 2]);
    const s0 = sd.state[0];
    assert.ok(s0 !== null && typeof s0.expAvg === 'object');
    assert.deepEqual(JSON.parse(JSON.stringify(s0.expAvg)).shape, [3, 4]);
    assert.equal(s0.maxExpAvgSq, null);
  });

  it('keeps non-finite buffer values through JSON', () => {
    const p = Tensor.from([1, 2], [2], 'float64');
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = Tensor.from([NaN, Infinity], [2], 'float64');
    opt.step();
    const json = JSON.stringify(opt.stateDict());
    assert.match(json, /"data":\["NaN","Infinity"\]/);
    const q = Tensor.from([1, 2], [2], 'float64');
    const resumed = new SGD([q], { lr: 0.1, momentum: 0.9 });
    resumed.loadStateDict(JSON.parse(json));
    assert.equal(JSON.stringify(resumed.stateDict()), json);
  });
});

describe('Optimizer: loadStateDict rejects what does not fit, changing nothing', () => {
  function saved(): { ps: Tensor[]; json: string } {
    const rng = new Rng(10);
    const ps = params(rng);
    const opt = new Adam([{ params: [ps[0], ps[1]] }, { params: [ps[2]], lr: 0.5 }], {
      lr: 0.1,
      amsgrad: true,
    });
    setGrads(ps, rng);
    opt.step();
    return { ps, json: JSON.stringify(opt.stateDict()) };
  }

  function fresh(ps: Tensor[]): Adam {
    return new Adam([{ params: [ps[0], ps[1]] }, { params: [ps[2]] }], { lr: 0.1, amsgrad: true });
  }

  interface EditableStateDict {
    optimizer: string;
    paramGroups: Record<string, unknown>[];
    state: (Record<string, unknown> | null)[];
  }

  function rejects(edit: (sd: EditableStateDict) => void, message: RegExp): void {
    const { ps, json } = saved();
    const opt = fresh(ps.map((p) => p.clone()));
    const before = JSON.stringify(opt.stateDict());
    const sd: EditableStateDict = JSON.parse(json);
    edit(sd);
    assert.throws(() => opt.loadStateDict(sd), message);
    assert.equal(JSON.stringify(opt.stateDict()), before, 'a failed load changes nothing');
  }

  function stateOf(sd: EditableStateDict, i: number): Record<string, unknown> {
    const state = sd.state[i];
    assert.ok(state !== null, `parameter ${i} has state`);
    return state;
  }

  it('another optimizer type', () => {
    rejects((sd) => {
      sd.optimizer = 'SGD';
    }, /Adam.loadStateDict: this state dict is for SGD, not Adam/);
  });

  it('a different number of param groups', () => {
    rejects((sd) => {
      sd.paramGroups.pop();
    }, /Adam.loadStateDict: the state dict has 1 param groups, this optimizer has 2/);
  });

  it('a group with a different number of parameters', () => {
    const { ps, json } = saved();
    const opt = new Adam([{ params: [ps[0]] }, { params: [ps[1], ps[2]] }], { amsgrad: true });
    assert.throws(
      () => opt.loadStateDict(JSON.parse(json)),
      /Adam.loadStateDict: paramGroups\[0\] has 2 parameters, but this optimizer's param group 0 has 1/,
    );
  });

  it('state for a different number of parameters', () => {
    rejects((sd) => {
      sd.state.push(null);
    }, /Adam.loadStateDict: the state dict has state for 4 parameters, this optimizer has 3/);
  });

  it('a misshapen buffer, naming the parameter and both shapes', () => {
    rejects((sd) => {
      stateOf(sd, 2).expAvgSq = { shape: [3, 2], data: [0, 0, 0, 0, 0, 0] };
    }, /Adam.loadStateDict: state\[2\] \(parameter 2\).expAvgSq has shape \(3,2\), but the parameter has shape \(2,3\)/);
  });

  it('a buffer with the wrong number of values', () => {
    rejects((sd) => {
      stateOf(sd, 1).expAvg = { shape: [5], data: [0, 0] };
    }, /state\[1\] \(parameter 1\).expAvg.data has 2 values, but shape \(5\) needs 5/);
  });

  it('an invalid hyper-parameter', () => {
    rejects((sd) => {
      sd.paramGroups[1].betas = [0.9, 1.5];
    }, /Adam.loadStateDict: paramGroups\[1\]: beta2 must be in \[0, 1\), got 1.5/);
  });

  it('a missing or unknown key', () => {
    rejects((sd) => {
      stateOf(sd, 0).momentum = 1;
    }, /state\[0\] \(parameter 0\) has an unknown key "momentum"/);
    rejects((sd) => {
      delete sd.paramGroups[0].eps;
    }, /paramGroups\[0\] is missing "eps"/);
  });

  it('a step count that is not a non-negative integer', () => {
    rejects((sd) => {
      stateOf(sd, 0).step = 1.5;
    }, /state\[0\] \(parameter 0\).step must be a non-negative integer, got 1.5/);
  });

  it('loads the group options (lr included) with the state', () => {
    const { ps, json } = saved();
    const opt = fresh(ps);
    opt.loadStateDict(JSON.parse(json));
    assert.equal(opt.paramGroups[1].lr, 0.5);
  });
});
