/**
 * Module: the base of every layer and model, shaped like PyTorch's nn.Module.
 *
 * A module holds three kinds of named state, each registered explicitly in the constructor:
 *
 *   parameters  tensors the optimizer trains (they require grad): conv weights, biases, ...
 *   buffers     tensors that are state but not trained: batch norm's running statistics
 *   submodules  child modules, whose parameters and buffers are the parent's too
 *
 * Registration is explicit and typed: `registerParameter`, `registerBuffer` and
 * `registerModule` take a name and return what they were given, so a subclass keeps a typed
 * field and the module knows its name. Nothing intercepts attribute assignment; a field that is
 * not registered is invisible to parameters(), stateDict() and train()/eval().
 *
 * ```ts
 * class ResidualBlock extends Layer {
 *   readonly conv: Conv2d;
 *   readonly bn: BatchNorm2d;
 *   constructor(channels: number) {
 *     super();
 *     this.conv = this.registerModule('conv', new Conv2d(channels, channels, 3, { padding: 1, bias: false }));
 *     this.bn = this.registerModule('bn', new BatchNorm2d(channels));
 *   }
 *   forward(x: Tensor): Tensor {
 *     return relu(add(x, this.bn.forward(this.conv.forward(x))));
 *   }
 *   outputShape(inputShape: Shape): Shape {
 *     return this.bn.outputShape(this.conv.outputShape(inputShape));
 *   }
 * }
 * ```
 *
 * Names are dotted paths from the module they are asked of, in registration order, depth first
 * (a module's own parameters before its children's), as in PyTorch: `features.0.weight`,
 * `features.1.runningMean`. A tensor registered under two names (shared weights) appears once,
 * under its first name, in parameters() and namedParameters(), and under both in stateDict().
 *
 * Call a module with `model.forward(x)` (TypeScript has no callable objects without magic).
 */
import { freezeArray, thawArray } from '../kernels/frozen-arrays.js';
import { ShapeError } from '../shape/shape-error.js';
import { Tensor, formatShape, type Shape } from '../tensor.js';

/** Every module, whatever its forward's signature: the type of a child. */
export type AnyModule = Module<never, unknown>;

/** Frozen parameters (Module.freeze), each with whether it required gradients before. */
const frozenGrad = new WeakMap<Tensor, boolean>();

/** A copy of a module's state: every parameter and buffer, by dotted name, in order. */
export type StateDict = Map<string, Tensor>;

export interface LoadStateDictOptions {
  /**
   * true (the default): every key of the module must be in the state dict and every key of
   * the state dict must be in the module. false: keys on either side alone are skipped (and
   * reported in the result). Shapes must match either way.
   */
  strict?: boolean;
}

export interface LoadStateDictResult {
  /** The module's keys that the state dict lacks (only non-empty when strict is false). */
  missingKeys: string[];
  /** The state dict's keys that the module lacks (only non-empty when strict is false). */
  unexpectedKeys: string[];
}

/** One entry of namedParameters() or namedBuffers(). */
export type NamedTensor = [name: string, tensor: Tensor];

/** One entry of namedChildren() or namedModules(). */
export type NamedModule = [name: string, module: AnyModule];

function checkName(name: string, owner: string): void {
  if (name.length === 0 || name.includes('.')) {
    throw new RangeError(`${owner}: a name must be non-empty and contain no '.', got '${name}'`);
  }
}

function isMap(
  state: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
): state is ReadonlyMap<string, Tensor> {
  return state instanceof Map;
}

/** The entries whose tensor has not appeared before. */
function withoutDuplicates(named: NamedTensor[]): NamedTensor[] {
  const seen = new Set<Tensor>();
  const result: NamedTensor[] = [];
  for (const entry of named) {
    if (seen.has(entry[1])) continue;
    seen.add(entry[1]);
    result.push(entry);
  }
  return result;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The base class. Input is forward's parameter list, Output its result; the defaults, one
 * tensor in and one out, are what layers use (see Layer).
 */
export abstract class Module<Input extends readonly unknown[] = [x: Tensor], Output = Tensor> {
  private isTraining = true;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly ownChildren = new Map<string, AnyModule>();

  abstract forward(...inputs: Input): Output;

  /** The class name, used in summaries and errors. */
  get typeName(): string {
    return this.constructor.name;
  }

  /** Whether the module is in training mode (the default) or evaluation mode. */
  get training(): boolean {
    return this.isTraining;
  }

  private checkFree(name: string): void {
    checkName(name, this.typeName);
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.ownChildren.has(name)) {
      throw new RangeError(`${this.typeName}: '${name}' is already registered`);
    }
  }

  /**
   * Registers a parameter: a tensor the optimizer updates. It is marked requiresGrad (call
   * `tensor.requireGrad(false)` afterwards to freeze it). Returns the tensor.
   */
  registerParameter(name: string, tensor: Tensor): Tensor {
    this.checkFree(name);
    tensor.requireGrad();
    this.ownParameters.set(name, tensor);
    return tensor;
  }

  /** Registers a buffer: state that is saved and loaded but not trained. Returns the tensor. */
  registerBuffer(name: string, tensor: Tensor): Tensor {
    this.checkFree(name);
    if (tensor.requiresGrad) {
      throw new RangeError(`${this.typeName}: buffer '${name}' must not require grad`);
    }
    this.ownBuffers.set(name, tensor);
    return tensor;
  }

  /** Registers a child module; it takes this module's training mode. Returns the module. */
  registerModule<M extends AnyModule>(name: string, module: M): M {
    this.checkFree(name);
    if (module.modules().some((m) => m === this)) {
      throw new RangeError(`${this.typeName}: '${name}' would make a module its own child`);
    }
    module.train(this.isTraining);
    this.ownChildren.set(name, module);
    return module;
  }

  /** The direct children with their names, in registration order. */
  namedChildren(): NamedModule[] {
    return [...this.ownChildren];
  }

  children(): AnyModule[] {
    return [...this.ownChildren.values()];
  }

  /** This module (named '') and every module below it, depth first, with dotted names. */
  namedModules(prefix = ''): NamedModule[] {
    const result: NamedModule[] = [[prefix, this]];
    for (const [name, child] of this.ownChildren) {
      result.push(...child.namedModules(prefix === '' ? name : `${prefix}.${name}`));
    }
    return result;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** The module at a dotted path ('' is this one), e.g. getSubmodule('features.3'). */
  getSubmodule(path: string): AnyModule {
    let module: AnyModule = this;
    if (path === '') return module;
    for (const part of path.split('.')) {
      const child = module.ownChildren.get(part);
      if (child === undefined) {
        throw new RangeError(
          `getSubmodule: ${module.typeName} has no child '${part}' (in path '${path}'); it has ${[...module.ownChildren.keys()].join(', ') || 'no children'}`,
        );
      }
      module = child;
    }
    return module;
  }

  private collect(kind: 'parameters' | 'buffers'): NamedTensor[] {
    const result: NamedTensor[] = [];
    for (const [prefix, module] of this.namedModules()) {
      const own = kind === 'parameters' ? module.ownParameters : module.ownBuffers;
      for (const [name, tensor] of own) {
        result.push([prefix === '' ? name : `${prefix}.${name}`, tensor]);
      }
    }
    return result;
  }

  /** Every parameter with its dotted name, in order; a shared tensor once, under its first name. */
  namedParameters(): NamedTensor[] {
    return withoutDuplicates(this.collect('parameters'));
  }

  /** Every parameter once, in order: what an optimizer takes. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Every buffer with its dotted name, in order; a shared tensor once, under its first name. */
  namedBuffers(): NamedTensor[] {
    return withoutDuplicates(this.collect('buffers'));
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /**
   * Sets training mode (true, the default) or evaluation mode (false) on this module and
   * every module below it. Dropout and batch norm behave differently in each. Returns this.
   */
  train(mode = true): this {
    this.isTraining = mode;
    for (const child of this.ownChildren.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode: train(false). */
  eval(): this {
    return this.train(false);
  }

  /**
   * Freezes the module for inference: evaluation mode, and its parameters made constants. They
   * stop requiring gradients (an optimizer leaves them alone), loadStateDict refuses them, and
   * kernels may keep what they derive from them, checking once per freeze instead of on every
   * call that they are unchanged (the fast backend's transformed Winograd filters). Writing a
   * frozen parameter's data directly is not supported: those kernels would not see it;
   * unfreeze() first. Returns this.
   */
  freeze(): this {
    this.eval();
    for (const p of this.parameters()) {
      if (frozenGrad.has(p)) continue;
      frozenGrad.set(p, p.requiresGrad);
      p.requireGrad(false);
      freezeArray(p.data);
    }
    return this;
  }

  /** Undoes freeze(): each parameter requires gradients as before; the mode stays. Returns this. */
  unfreeze(): this {
    for (const p of this.parameters()) {
      const requiresGrad = frozenGrad.get(p);
      if (requiresGrad === undefined) continue;
      frozenGrad.delete(p);
      p.requireGrad(requiresGrad);
      thawArray(p.data);
    }
    return this;
  }

  /** Whether every parameter is frozen (freeze()); false for a module without parameters. */
  get frozen(): boolean {
    const params = this.parameters();
    return params.length > 0 && params.every((p) => frozenGrad.has(p));
  }

  /** Forgets every parameter's gradient (sets .grad to null). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Copies of every parameter and buffer, by dotted name: parameters first, then buffers. */
  stateDict(): StateDict {
    const state: StateDict = new Map();
    for (const [name, t] of [...this.collect('parameters'), ...this.collect('buffers')]) {
      state.set(name, t.clone());
    }
    return state;
  }

  /**
   * Copies a state dict's tensors into this module's parameters and buffers, in place (an
   * optimizer built over the parameters keeps working), converting the dtype if needed.
   * Everything is checked before anything is copied; every problem is listed in the error:
   *
   *   loadStateDict: features.0.weight has shape (32,1,3,3), the checkpoint has (16,1,3,3)
   *   loadStateDict: missing key classifier.3.bias
   *   loadStateDict: unexpected key classifier.5.weight
   */
  loadStateDict(
    state: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
    { strict = true }: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const entries = isMap(state) ? state : new Map(Object.entries(state));
    const own = new Map([...this.collect('parameters'), ...this.collect('buffers')]);
    const missingKeys = [...own.keys()].filter((k) => !entries.has(k));
    const unexpectedKeys = [...entries.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    for (const [name, target] of own) {
      const source = entries.get(name);
      if (source !== undefined && !sameShape(source.shape, target.shape)) {
        problems.push(
          `${name} has shape ${formatShape(target.shape)}, the checkpoint has ${formatShape(source.shape)}`,
        );
      }
    }
    if (strict) {
      if (missingKeys.length > 0) {
        problems.push(`missing key${missingKeys.length > 1 ? 's' : ''} ${missingKeys.join(', ')}`);
      }
      if (unexpectedKeys.length > 0) {
        const s = unexpectedKeys.length > 1 ? 's' : '';
        problems.push(`unexpected key${s} ${unexpectedKeys.join(', ')}`);
      }
    }
    if (problems.length > 0) throw new ShapeError(`loadStateDict: ${problems.join('; ')}`);
    const frozen = [...own].filter(([name, t]) => entries.has(name) && frozenGrad.has(t));
    if (frozen.length > 0) {
      throw new RangeError(
        `loadStateDict: ${frozen.map(([name]) => name).join(', ')} ${frozen.length > 1 ? 'are' : 'is'} frozen (freeze()); call unfreeze() before loading`,
      );
    }
    for (const [name, target] of own) {
      const source = entries.get(name);
      if (source !== undefined) target.data.set(source.data);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** The layer's configuration, shown by toString() inside the parentheses. */
  protected extraRepr(): string {
    return '';
  }

  /** A PyTorch-style tree: `Sequential(\n  (0): Conv2d(1, 32, kernelSize=(3,3)) ...`. */
  toString(): string {
    const head = `${this.typeName}(${this.extraRepr()}`;
    if (this.ownChildren.size === 0) return `${head})`;
    const lines = [...this.ownChildren].map(([name, child]) => {
      const [first, ...rest] = child.toString().split('\n');
      return [`  (${name}): ${first}`, ...rest.map((l) => `  ${l}`)].join('\n');
    });
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

/**
 * A module of one tensor to one tensor that can say its output shape from its input shape
 * alone, without computing anything: every layer here, and Sequential. What Sequential holds
 * and summary() walks. outputShape throws a ShapeError for an input the layer cannot take.
 */
export abstract class Layer extends Module<[x: Tensor], Tensor> {
  abstract outputShape(inputShape: Shape): Shape;
}
