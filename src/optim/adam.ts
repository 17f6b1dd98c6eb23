/**
 * Adam (Kingma & Ba, 2015), with exactly torch.optim.Adam's semantics, including its bias
 * correction and the AMSGrad variant:
 *
 * ```
 * input: γ (lr), β₁, β₂ (betas), ε (eps), λ (weight decay), amsgrad
 * init:  m₀ ← 0, v₀ ← 0, v₀^max ← 0
 * for t = 1, 2, ...
 *   g_t ← ∇θ f_t(θ_{t-1})
 *   if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}              (weight decay as an L2 term in the gradient)
 *   m_t ← β₁ m_{t-1} + (1 - β₁) g_t
 *   v_t ← β₂ v_{t-1} + (1 - β₂) g_t²
 *   if amsgrad:  v_t^max ← max(v_{t-1}^max, v_t);  v̂_t ← v_t^max
 *   else:        v̂_t ← v_t
 *   θ_t ← θ_{t-1} - (γ / (1 - β₁^t)) · m_t / (√v̂_t / √(1 - β₂^t) + ε)
 * ```
 *
 * The last line is the paper's θ - γ m̂/(√v̂ + ε) with m̂ = m/(1 - β₁^t), v̂ = v/(1 - β₂^t),
 * arranged as PyTorch computes it (ε is added after the bias correction of √v). `t` is each
 * parameter's own step count, kept in its state: a parameter skipped for lack of a grad does not
 * advance it. Moment buffers have the parameter's dtype, as in PyTorch.
 *
 * The elementwise update is the backend's adamUpdate kernel (src/kernels/reference/adam-update.ts;
 * the fast backend's gives the same bits).
 *
 * For decoupled weight decay use AdamW, which shares this implementation.
 *
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
import type { JsonObject } from '../io/json.js';
import { getBackend } from '../kernels/backend.js';
import type { FloatArray, Tensor } from '../tensor.js';
import { Optimizer, type ParamsInput } from './optimizer.js';
import {
  checkKeys,
  decodeBuffer,
  describe,
  encodeBuffer,
  readNonNegativeInteger,
} from './state-json.js';
import { checkBoolean, checkInRange, checkNonNegative } from './validate.js';

export interface AdamOptions {
  /** Learning rate γ; default 1e-3. */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment averages, each in [0, 1); default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability; default 1e-8. */
  eps: number;
  /** Weight decay λ; default 0 for Adam (an L2 term), 1e-2 for AdamW (decoupled). */
  weightDecay: number;
  /** Use the AMSGrad variant (the running maximum of v); default false. */
  amsgrad: boolean;
}

export interface AdamParamState {
  /** How many updates this parameter has had (t). */
  step: number;
  /** m: the running average of the gradient. */
  expAvg: FloatArray;
  /** v: the running average of the squared gradient. */
  expAvgSq: FloatArray;
  /** The running maximum of v (AMSGrad only; null otherwise). */
  maxExpAvgSq: FloatArray | null;
}

/** The Adam update shared by Adam and AdamW; they differ only in how weight decay enters. */
export abstract class AdamBase extends Optimizer<AdamOptions, AdamParamState> {
  protected constructor(
    name: string,
    params: ParamsInput<AdamOptions>,
    defaults: AdamOptions,
    /** true: AdamW's θ ← θ(1 - γλ) before the update; false: Adam's g ← g + λθ. */
    private readonly decoupledWeightDecay: boolean,
  ) {
    super(name, params, defaults);
  }

  protected parseOptions(raw: Record<string, unknown>, where: string): AdamOptions {
    const betas = raw.betas;
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new RangeError(`${where}: betas must be a pair [beta1, beta2], got ${describe(betas)}`);
    }
    return {
      lr: checkNonNegative(raw.lr, 'lr', where),
      betas: [
        checkInRange(betas[0], 'beta1', where, 0, 1),
        checkInRange(betas[1], 'beta2', where, 0, 1),
      ],
      eps: checkNonNegative(raw.eps, 'eps', where),
      weightDecay: checkNonNegative(raw.weightDecay, 'weightDecay', where),
      amsgrad: checkBoolean(raw.amsgrad, 'amsgrad', where),
    };
  }

  protected stateBufferCount({ amsgrad }: AdamOptions): number {
    return amsgrad ? 3 : 2;
  }

  protected updateParam(param: Tensor, grad: FloatArray, options: AdamOptions): void {
    const {
      lr,
      betas: [beta1, beta2],
      eps,
      weightDecay,
      amsgrad,
    } = options;
    const p = param.data;
    let state = this.state.get(param);
    if (state === undefined) {
      const [expAvg, expAvgSq] = [this.zerosFor(param), this.zerosFor(param)];
      state = { step: 0, expAvg, expAvgSq, maxExpAvgSq: null };
      this.state.set(param, state);
    }
    if (amsgrad && state.maxExpAvgSq === null) state.maxExpAvgSq = this.zerosFor(param);
    const { expAvg: m, expAvgSq: v } = state;
    const vMax = amsgrad ? state.maxExpAvgSq : null;
    state.step += 1;
    getBackend().adamUpdate(p, m, v, vMax, grad, {
      lr,
      beta1,
      beta2,
      eps,
      weightDecay,
      decoupled: this.decoupledWeightDecay,
      step: state.step,
    });
  }

  override getMomentum(groupIndex: number): number {
    return this.group(groupIndex).betas[0];
  }

  override setMomentum(groupIndex: number, value: number): void {
    const group = this.group(groupIndex);
    group.betas = [value, group.betas[1]];
  }

  protected stateToJson(state: AdamParamState, param: Tensor): JsonObject {
    return {
      step: state.step,
      expAvg: encodeBuffer(state.expAvg, param.shape),
      expAvgSq: encodeBuffer(state.expAvgSq, param.shape),
      maxExpAvgSq: state.maxExpAvgSq === null ? null : encodeBuffer(state.maxExpAvgSq, param.shape),
    };
  }

  protected stateFromJson(
    json: Record<string, unknown>,
    param: Tensor,
    where: string,
  ): AdamParamState {
    checkKeys(json, ['step', 'expAvg', 'expAvgSq', 'maxExpAvgSq'], where);
    return {
      step: readNonNegativeInteger(json.step, `${where}.step`),
      expAvg: decodeBuffer(json.expAvg, param, `${where}.expAvg`),
      expAvgSq: decodeBuffer(json.expAvgSq, param, `${where}.expAvgSq`),
      maxExpAvgSq:
        json.maxExpAvgSq === null
          ? null
          : decodeBuffer(json.maxExpAvgSq, param, `${where}.maxExpAvgSq`),
    };
  }
}

export class Adam extends AdamBase {
  constructor(
    params: ParamsInput<AdamOptions>,
    {
      lr = 1e-3,
      betas = [0.9, 0.999],
      eps = 1e-8,
      weightDecay = 0,
      amsgrad = false,
    }: Partial<AdamOptions> = {},
  ) {
    super('Adam', params, { lr, betas, eps, weightDecay, amsgrad }, false);
  }
}
