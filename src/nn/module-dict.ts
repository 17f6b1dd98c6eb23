/**
 * ModuleDict (PyTorch's nn.ModuleDict): named modules held for their names, with no forward of
 * its own. A Graph keeps its nodes in ModuleDicts so that a node named `features.0` has the
 * parameter names `features.0.weight` and `features.0.bias`, the names a Sequential of
 * Sequentials (and torchvision) would give it.
 */
import { Module, type AnyModule } from './module.js';

export class ModuleDict extends Module<[], never> {
  constructor(modules: Readonly<Record<string, AnyModule>> = {}) {
    super();
    for (const [name, module] of Object.entries(modules)) this.registerModule(name, module);
  }

  /** A ModuleDict only holds modules: call the modules it holds. */
  forward(): never {
    throw new TypeError('ModuleDict has no forward: call the modules it holds');
  }
}
