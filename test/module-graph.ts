/**
 * What a module of src/ imports from outside the package, through every module it loads: the
 * check that a file (the browser entry, the training step) runs in a page. It reads the source
 * rather than a bundler's output, so it needs no build and names the file that imports.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = join(dirname(fileURLToPath(import.meta.url)), '../src');

export interface ModuleGraph {
  /** The files of src/ loaded, as paths relative to src/. */
  files: string[];
  /** "file imports specifier" for each import of something outside src/ at load time. */
  outside: string[];
  /** The same for dynamic import()s, which run only when their code path does. */
  lazy: string[];
}

/** Walks the static imports of `entry` (a path under src/, e.g. 'browser.ts'). */
export function moduleGraph(entry: string): ModuleGraph {
  const seen = new Set<string>();
  const outside: string[] = [];
  const lazy: string[] = [];
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // Type-only imports and exports vanish from the emitted code, so they may name anything.
    const fromClauses = /^(?:import|export)(?!\s+type\b)[^;]*?\sfrom\s+'([^']+)'/gms;
    const sideEffects = /^import\s+'([^']+)'/gm;
    for (const pattern of [fromClauses, sideEffects]) {
      for (const [, specifier] of text.matchAll(pattern)) {
        if (specifier.startsWith('.')) walk(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
        else outside.push(`${relative(SRC, file)} imports ${specifier}`);
      }
    }
    for (const [, specifier] of text.matchAll(/\bimport\(\s*'([^']+)'/g)) {
      lazy.push(`${relative(SRC, file)} imports ${specifier}`);
    }
  };
  walk(join(SRC, entry));
  return { files: [...seen].map((file) => relative(SRC, file)), outside, lazy };
}
