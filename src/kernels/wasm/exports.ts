/**
 * The functions a compiled kernel module exports, found by name in the module itself: every
 * exported function is callable, and no list of names is kept by hand. Pointers are byte offsets
 * into the kernels' memory; flags are 0 or 1. Threaded kernels take (tid, threads, ...args).
 */
export type WasmFunction = (...args: number[]) => number;

/** The names of the module's exported functions, in a fixed order that workers share. */
export function exportedFunctionNames(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.exports(module)
    .filter((entry) => entry.kind === 'function')
    .map((entry) => entry.name)
    .sort();
}

export class KernelExports {
  private readonly functions = new Map<string, WasmFunction>();

  constructor(exports: WebAssembly.Exports) {
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === 'function') this.functions.set(name, value as WasmFunction);
    }
  }

  /** The exported function `name`; an error names it if this build lacks it. */
  get(name: string): WasmFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) {
      throw new Error(
        `wasm kernels: the module does not export ${name}; rebuild it with npm run build:wasm`,
      );
    }
    return fn;
  }

  /** Calls a single-threaded export, such as a scratch-size query. */
  call(name: string, ...args: number[]): number {
    return this.get(name)(...args);
  }
}
