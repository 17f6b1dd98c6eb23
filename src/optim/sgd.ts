/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
 * with exactly torch.optim.SGD's semantics:
 *
 * ```
 * input: γ (lr), θ₀ (params), λ (weight decay), μ (momentum), τ (dampening), nesterov
 * for t = 1, 2, ...
 *   g_t ← ∇θ f_t(θ_{t-1})
 *   if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *   if μ ≠ 0:
 *     if t = 1:  b_t ← g_t                         (the first buffer is the gradient itself)
 *     else:      b_t ← μ b_{t-1} + (1 - τ) g_t
 *     if nesterov:  g_t ← g_t + μ b_t
 *     else:         g_t ← b_t
 *   θ_t ← θ_{t-1} - γ g_t
 * ```
 *
 * `t` counts this parameter's own updates: a parameter skipped for lack of a grad keeps its
 * buffer untouched. The momentum buffer has the parameter's dtype, as in PyTorch. The elementwise
 * update is the backend's sgdUpdate kernel (src/kernels/reference/sgd-update.ts; the fast
 * backend's gives the same bits).
 *
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
import type { JsonObject } from '../io/json.js';
import { getBackend } from '../kernels/backend.js';
import type { FloatArray, Tensor } from '../tensor.js';
import { Optimizer, type ParamsInput } from './optimizer.js';
import { checkKeys, decodeBuffer, encodeBuffer } from './state-json.js';
import { checkBoolean, checkNonNegative, checkNumber } from './validate.js';

export interface SGDOptions {
  /** Learning rate γ; default 1e-3 (PyTorch 2's default). */
  lr: number;
  /** Momentum factor μ >= 0; default 0 (plain SGD, no state). */
  momentum: number;
  /** Dampening τ of the gradient added to the buffer; default 0. */
  dampening: number;
  /** L2 penalty λ >= 0 added to the gradient; default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening = 0); default false. */
  nesterov: boolean;
}

export interface SGDParamState {
  momentumBuffer: FloatArray;
}

export class SGD extends Optimizer<SGDOptions, SGDParamState> {
  constructor(
    params: ParamsInput<SGDOptions>,
    {
      lr = 1e-3,
      momentum = 0,
      dampening = 0,
      weightDecay = 0,
      nesterov = false,
    }: Partial<SGDOptions> = {},
  ) {
    super('SGD', params, { lr, momentum, dampening, weightDecay, nesterov });
  }

  protected parseOptions(raw: Record<string, unknown>, where: string): SGDOptions {
    const options: SGDOptions = {
      lr: checkNonNegative(raw.lr, 'lr', where),
      momentum: checkNonNegative(raw.momentum, 'momentum', where),
      dampening: checkNumber(raw.dampening, 'dampening', where),
      weightDecay: checkNonNegative(raw.weightDecay, 'weightDecay', where),
      nesterov: checkBoolean(raw.nesterov, 'nesterov', where),
    };
    if (options.nesterov && (options.momentum <= 0 || options.dampening !== 0)) {
      throw new RangeError(
        `${where}: nesterov requires momentum > 0 and dampening = 0, got momentum ${options.momentum} and dampening ${options.dampening}`,
      );
    }
    return options;
  }

  protected stateBufferCount({ momentum }: SGDOptions): number {
    return momentum === 0 ? 0 : 1;
  }

  protected updateParam(param: Tensor, grad: FloatArray, options: SGDOptions): void {
    const { lr, momentum, dampening, weightDecay, nesterov } = options;
    const p = param.data;
    let buf: FloatArray | null = null;
    let first = false;
    if (momentum !== 0) {
      const state = this.state.get(param);
      if (state === undefined) {
        buf = this.zerosFor(param);
        this.state.set(param, { momentumBuffer: buf });
        first = true;
      } else {
        buf = state.momentumBuffer;
      }
    }
    getBackend().sgdUpdate(p, buf, grad, {
      lr,
      momentum,
      dampening,
      weightDecay,
      nesterov,
      first,
    });
  }

  override getMomentum(groupIndex: number): number {
    return this.group(groupIndex).momentum;
  }

  override setMomentum(groupIndex: number, value: number): void {
    this.group(groupIndex).momentum = value;
  }

  protected stateToJson(state: SGDParamState, param: Tensor): JsonObject {
    return { momentumBuffer: encodeBuffer(state.momentumBuffer, param.shape) };
  }

  protected stateFromJson(
    json: Record<string, unknown>,
    param: Tensor,
    where: string,
  ): SGDParamState {
    checkKeys(json, ['momentumBuffer'], where);
    return { momentumBuffer: decodeBuffer(json.momentumBuffer, param, `${where}.momentumBuffer`) };
  }
}
