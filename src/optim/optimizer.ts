/**
 * The base of every optimizer, shaped like torch.optim.Optimizer.
 *
 * An optimizer holds parameter groups: lists of parameter tensors that share hyper-parameters
 * (lr, weight decay, momentum, ...). Options not given for a group come from the optimizer's
 * defaults. `step()` updates every parameter that has a gradient, in place (`param.data`), from
 * `param.grad.data`; parameters whose grad is null are skipped, and get no state.
 *
 * ```ts
 * const opt = new SGD([
 *   { params: backbone, lr: 0.01 },
 *   { params: head }, // lr from the defaults: 0.1
 * ], { lr: 0.1, momentum: 0.9 });
 * loss.backward();
 * opt.step();
 * opt.zeroGrad();
 * ```
 *
 * State dict. `stateDict()` returns plain JSON data (numbers, booleans, strings and arrays;
 * `JSON.stringify` keeps it exactly):
 *
 * ```
 * { optimizer: 'Adam',
 *   paramGroups: [{ lr: 0.001, betas: [0.9, 0.999], ..., params: [0, 1] }, ...],
 *   state: [{ step: 3, expAvg: { shape, data }, ... } or null, ...] }
 * ```
 *
 * Parameters are numbered 0, 1, 2, ... in group order, as PyTorch numbers them; `state[i]` is
 * parameter i's state (null before its first update). `loadStateDict` checks everything before
 * changing anything: the optimizer type, the number of groups and of parameters in each, every
 * hyper-parameter, every buffer's shape against its parameter's. Load it into an optimizer built
 * over the same parameters in the same order.
 *
 * Where the state lives. The update itself is a backend kernel (sgdUpdate, adamUpdate). When the
 * backend keeps the parameters in its own memory (the fast backend's resident models, which
 * `convnet train` builds), the optimizer reserves its state's buffers there too when it is built
 * (Backend.residentBuffers), held for the backend's life, so an update copies nothing; state
 * made later, or beside parameters in ordinary memory, is in ordinary memory. Where the state
 * lives changes no value.
 */
import type { JsonObject } from '../io/json.js';
import { getBackend } from '../kernels/backend.js';
import { Tensor, formatShape, type FloatArray, type Shape } from '../tensor.js';
import { checkKeys, readArray, readIntegerArray, readObject, readString } from './state-json.js';

/** The options every optimizer has. */
export interface OptimizerOptions {
  lr: number;
}

/** A parameter group as given to a constructor: its parameters and any options to override. */
export type ParamGroupSpec<O> = Partial<O> & { params: Iterable<Tensor> };

/** A parameter group as the optimizer holds it: every option filled in. Options may be changed. */
export type ParamGroup<O> = O & { readonly params: readonly Tensor[] };

/** What a constructor accepts: parameters (one group), or parameter groups. */
export type ParamsInput<O> = Iterable<Tensor> | Iterable<ParamGroupSpec<O>>;

export interface ParamGroupJson extends JsonObject {
  params: number[];
}

export interface OptimizerStateDict extends JsonObject {
  optimizer: string;
  paramGroups: ParamGroupJson[];
  state: (JsonObject | null)[];
}

export interface ZeroGradOptions {
  /**
   * true (the default, as in PyTorch 2): grads become null, so the next backward allocates
   * them and a step before that skips the parameters. false: existing grads are filled with
   * zeros (PyTorch 1's default).
   */
  setToNone?: boolean;
}

/** What a learning-rate schedule needs from an optimizer. */
export interface SchedulableOptimizer {
  readonly name: string;
  readonly paramGroups: readonly { lr: number }[];
  /** The momentum a schedule may cycle (SGD's momentum, Adam's beta1), or null if none. */
  getMomentum(groupIndex: number): number | null;
  setMomentum(groupIndex: number, value: number): void;
}

export abstract class Optimizer<O extends OptimizerOptions, S> implements SchedulableOptimizer {
  /** The optimizer's name, used in errors and recorded in the state dict. */
  readonly name: string;
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moments, step counts), created on first update. */
  protected readonly state = new Map<Tensor, S>();
  /** Zeroed buffers reserved in the backend's resident memory for each parameter's state. */
  private readonly reserved = new Map<Tensor, FloatArray[]>();
  /** Every buffer ever reserved, to hand back those of a state that loadStateDict replaces. */
  private readonly reservedBuffers = new WeakSet<FloatArray>();

  protected constructor(name: string, params: ParamsInput<O>, defaults: O) {
    this.name = name;
    this.defaults = Object.freeze(this.parseOptions(readObject(defaults, name), name));
    if (params instanceof Tensor) {
      throw new TypeError(
        `${name}: params must be an iterable of tensors or param groups, got a single Tensor (pass [tensor])`,
      );
    }
    const items: (Tensor | ParamGroupSpec<O>)[] = [...params];
    if (items.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    if (items.every((item): item is Tensor => item instanceof Tensor)) {
      this.addGroup(items, {}, `${name}: param group 0`);
    } else {
      for (const item of items) {
        if (item instanceof Tensor) {
          throw new TypeError(
            `${name}: params must be all tensors or all param groups ({ params, ...options }), not a mix`,
          );
        }
        this.addParamGroup(item);
      }
    }
  }

  /**
   * Checks raw options (from a constructor, a group, or a state dict) and returns them typed.
   * Keys other than the options are ignored here; callers check for unknown keys.
   */
  protected abstract parseOptions(raw: Record<string, unknown>, where: string): O;

  /** How many buffers like a parameter its state needs under a group's options. */
  protected abstract stateBufferCount(options: O): number;

  /** Updates one parameter in place from its gradient (same length as param.data). */
  protected abstract updateParam(param: Tensor, grad: FloatArray, options: O): void;

  /** Writes one parameter's state; buffers carry the parameter's shape. */
  protected abstract stateToJson(state: S, param: Tensor): JsonObject;

  /** Reads one parameter's state, checking every buffer against the parameter's shape. */
  protected abstract stateFromJson(json: Record<string, unknown>, param: Tensor, where: string): S;

  /** Adds a group (e.g. layers unfrozen during fine-tuning); missing options come from the defaults. */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    const where = `${this.name}: param group ${this.paramGroups.length}`;
    const raw = readObject(spec, where);
    if (raw.params === undefined) throw new TypeError(`${where} has no "params"`);
    this.addGroup(spec.params, raw, where);
  }

  private addGroup(
    params: Iterable<Tensor>,
    overrides: Record<string, unknown>,
    where: string,
  ): void {
    const optionKeys = Object.keys(this.defaults);
    for (const key of Object.keys(overrides)) {
      if (key !== 'params' && !optionKeys.includes(key)) {
        throw new TypeError(
          `${where} has an unknown option "${key}" (options are ${optionKeys.join(', ')})`,
        );
      }
    }
    const list = [...params];
    if (list.length === 0) throw new RangeError(`${where} has no parameters`);
    const seen = new Set(this.paramGroups.flatMap((group) => group.params));
    list.forEach((param, i) => {
      if (!(param instanceof Tensor)) {
        throw new TypeError(`${where}: params[${i}] is not a Tensor`);
      }
      if (seen.has(param)) {
        throw new RangeError(
          `${where}: params[${i}] appears more than once among the optimizer's parameters`,
        );
      }
      seen.add(param);
    });
    const options = this.parseOptions({ ...this.defaults, ...overrides }, where);
    this.paramGroups.push({ ...options, params: list });
    this.reserve(list, this.stateBufferCount(options));
  }

  /** Reserves state buffers beside parameters the backend keeps in its resident memory. */
  private reserve(params: readonly Tensor[], count: number): void {
    const { residentBuffers } = getBackend();
    if (residentBuffers === undefined || count === 0) return;
    for (const param of params) {
      const buffers = residentBuffers(param.data, count);
      if (buffers === null) continue;
      for (const buffer of buffers) this.reservedBuffers.add(buffer);
      this.reserved.set(param, buffers);
    }
  }

  /** A zeroed buffer for param's state: a reserved one while any is left, else a new one. */
  protected zerosFor(param: Tensor): FloatArray {
    return this.reserved.get(param)?.pop() ?? zerosLike(param.data);
  }

  /** Hands a replaced state's reserved buffers back, zeroed. */
  private release(param: Tensor, state: S): void {
    for (const value of Object.values(state as object)) {
      if (value instanceof Float32Array && this.reservedBuffers.has(value)) {
        value.fill(0);
        this.reserved.get(param)?.push(value);
      }
    }
  }

  /** Moves a loaded state's buffers into reserved ones, while any are left. */
  private adopt(param: Tensor, state: S): S {
    const fields = state as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields)) {
      if (!(value instanceof Float32Array)) continue;
      const buffer = this.reserved.get(param)?.pop();
      if (buffer === undefined) break;
      buffer.set(value);
      fields[key] = buffer;
    }
    return state;
  }

  /** Every parameter, numbered in group order (the numbering of the state dict). */
  parameters(): Tensor[] {
    return this.paramGroups.flatMap((group) => [...group.params]);
  }

  /**
   * One update of every parameter that has a gradient. Options are re-checked first (a schedule
   * or the user may have changed them), and every grad's shape against its parameter's, so a
   * bad value throws before any parameter has moved.
   */
  step(): void {
    const options = this.paramGroups.map((group, g) =>
      this.parseOptions(readObject(group, this.name), `${this.name}: param group ${g}`),
    );
    let index = 0;
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (grad !== null && !sameShape(grad.shape, param.shape)) {
          throw new RangeError(
            `${this.name}: parameter ${index} has shape ${formatShape(param.shape)}, but its grad has shape ${formatShape(grad.shape)}`,
          );
        }
        index++;
      }
    }
    this.paramGroups.forEach((group, g) => {
      for (const param of group.params) {
        if (param.grad !== null) this.updateParam(param, param.grad.data, options[g]);
      }
    });
  }

  /** Clears every parameter's gradient; see ZeroGradOptions for the two ways. */
  zeroGrad({ setToNone = true }: ZeroGradOptions = {}): void {
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (setToNone) param.grad = null;
        else if (param.grad !== null) param.grad.data.fill(0);
      }
    }
  }

  getMomentum(groupIndex: number): number | null {
    this.group(groupIndex);
    return null;
  }

  setMomentum(groupIndex: number, value: number): void {
    this.group(groupIndex);
    throw new TypeError(`${this.name} has no momentum to set (tried ${value})`);
  }

  protected group(groupIndex: number): ParamGroup<O> {
    const group = this.paramGroups[groupIndex];
    if (group === undefined) {
      throw new RangeError(
        `${this.name}: no param group ${groupIndex} (there are ${this.paramGroups.length})`,
      );
    }
    return group;
  }

  stateDict(): OptimizerStateDict {
    let index = 0;
    const paramGroups = this.paramGroups.map((group): ParamGroupJson => {
      const { params, ...options } = group;
      return { ...optionsToJson(options), params: params.map(() => index++) };
    });
    const state = this.parameters().map((param) => {
      const s = this.state.get(param);
      return s === undefined ? null : this.stateToJson(s, param);
    });
    return { optimizer: this.name, paramGroups, state };
  }

  /** Restores a state dict (parsed JSON is fine); checks it all before changing anything. */
  loadStateDict(stateDict: unknown): void {
    const where = `${this.name}.loadStateDict`;
    const obj = readObject(stateDict, where);
    checkKeys(obj, ['optimizer', 'paramGroups', 'state'], where);
    const kind = readString(obj.optimizer, `${where}: optimizer`);
    if (kind !== this.name) {
      throw new TypeError(`${where}: this state dict is for ${kind}, not ${this.name}`);
    }
    const groupsJson = readArray(obj.paramGroups, `${where}: paramGroups`);
    if (groupsJson.length !== this.paramGroups.length) {
      throw new RangeError(
        `${where}: the state dict has ${groupsJson.length} param groups, this optimizer has ${this.paramGroups.length}`,
      );
    }
    const optionKeys = [...Object.keys(this.defaults), 'params'];
    let offset = 0;
    const options = groupsJson.map((groupJson, g) => {
      const groupWhere = `${where}: paramGroups[${g}]`;
      const raw = readObject(groupJson, groupWhere);
      checkKeys(raw, optionKeys, groupWhere);
      const indices = readIntegerArray(raw.params, `${groupWhere}.params`);
      const expected = this.paramGroups[g].params.length;
      if (indices.length !== expected) {
        throw new RangeError(
          `${groupWhere} has ${indices.length} parameters, but this optimizer's param group ${g} has ${expected}`,
        );
      }
      indices.forEach((index, j) => {
        if (index !== offset + j) {
          throw new RangeError(
            `${groupWhere}.params[${j}] is ${index}, expected ${offset + j} (parameters are numbered in group order)`,
          );
        }
      });
      offset += expected;
      return this.parseOptions(raw, groupWhere);
    });
    const params = this.parameters();
    const stateJson = readArray(obj.state, `${where}: state`);
    if (stateJson.length !== params.length) {
      throw new RangeError(
        `${where}: the state dict has state for ${stateJson.length} parameters, this optimizer has ${params.length}`,
      );
    }
    const states = stateJson.map((entry, i) => {
      if (entry === null) return null;
      const stateWhere = `${where}: state[${i}] (parameter ${i})`;
      return this.stateFromJson(readObject(entry, stateWhere), params[i], stateWhere);
    });
    this.paramGroups.forEach((group, g) => Object.assign(group, options[g]));
    for (const [param, s] of this.state) this.release(param, s);
    this.state.clear();
    states.forEach((s, i) => {
      if (s !== null) this.state.set(params[i], this.adopt(params[i], s));
    });
  }
}

/** Option values as JSON: numbers, booleans, and arrays of numbers (Adam's betas). */
function optionsToJson(options: object): JsonObject {
  const json: JsonObject = {};
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
      json[key] = value;
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
      json[key] = value.map((v: number) => v);
    } else {
      throw new TypeError(`stateDict: option "${key}" cannot be written as JSON`);
    }
  }
  return json;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A new zero-filled array of the same dtype and length. */
export function zerosLike(data: FloatArray): FloatArray {
  return data instanceof Float64Array
    ? new Float64Array(data.length)
    : new Float32Array(data.length);
}
