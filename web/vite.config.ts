/**
 * The playground's Vite config: `npm run web` (dev server), `npm run web:build` then
 * `npm run web:preview` (the built page).
 *
 * - Both servers send COOP/COEP, so the page is cross-origin isolated: SharedArrayBuffer exists
 *   and the wasm backend runs on every core. PLAYGROUND_ISOLATION=off leaves the headers out, to
 *   see the single-thread path a page without them gets.
 * - `convnet-ts/browser` is the package's browser entry (src/browser.ts), read from source.
 * - The browser entry's modules import no Node built-in at load time (test/api.test.ts checks);
 *   the wasm backend imports node:fs/promises, node:os, node:v8 and node:worker_threads lazily
 *   for its Node-only paths (reading build/*.wasm from disk, worker_threads). Those imports
 *   resolve here to stubs whose functions throw "only in Node" when called (Vite's own empty
 *   stub throws on the import itself in dev).
 *   Built-ins imported by the page's own code are not stubbed: that is a mistake to see.
 */
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const LIBRARY = fileURLToPath(new URL('../src/', import.meta.url));
const STUB_PREFIX = '\0node-only:';

const isolationHeaders: Record<string, string> =
  process.env.PLAYGROUND_ISOLATION === 'off'
    ? {}
    : {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      };

/** Node built-ins imported by the library become modules of throwing functions. */
function nodeOnlyStubs(): Plugin {
  return {
    name: 'convnet-ts:node-only-stubs',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer === undefined || !importer.startsWith(LIBRARY) || !isBuiltin(source)) {
        return null;
      }
      return STUB_PREFIX + source;
    },
    async load(id) {
      if (!id.startsWith(STUB_PREFIX)) return null;
      const specifier = id.slice(STUB_PREFIX.length);
      const real: Record<string, unknown> = await import(specifier);
      const names = Object.keys(real).filter(
        (name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name),
      );
      const lines = [
        `const unavailable = (name) => () => { throw new Error(${JSON.stringify(specifier)} + '.' + name + ' is only available in Node'); };`,
        ...names.map((name) => `export const ${name} = unavailable(${JSON.stringify(name)});`),
        `export default { ${names.join(', ')} };`,
      ];
      return lines.join('\n');
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [nodeOnlyStubs()],
  resolve: {
    alias: { 'convnet-ts/browser': fileURLToPath(new URL('../src/browser.ts', import.meta.url)) },
  },
  // Module workers, so the training worker can import the library and its wasm files; the
  // worker bundle has its own plugin list.
  // Layers name themselves by their class name (Module.typeName), which minifying would mangle.
  worker: {
    format: 'es',
    plugins: () => [nodeOnlyStubs()],
    rolldownOptions: { output: { keepNames: true } },
  },
  build: { target: 'es2022', rolldownOptions: { output: { keepNames: true } } },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
});
