// Type-checks the AssemblyScript kernels (src/kernels/wasm/assembly) twice, and fails on any
// error or warning from either:
//
// 1. The AssemblyScript compiler, with every file of the folder as an entry (as the build,
//    scripts/build-wasm.mjs, takes them) and nothing emitted. This is the real check (i32 against
//    f32, implicit narrowing, v128 lanes). The compiler checks functions lazily, so a helper in
//    lib/ that no kernel calls is not checked here.
// 2. TypeScript, against AssemblyScript's declarations (the folder's tsconfig.json extends
//    assemblyscript/std/assembly.json), which checks every line, called or not, and is what an
//    editor shows. Its portable types make i32, f32 and usize all `number`, so it catches names,
//    arity, properties and imports rather than numeric types. Decorators on functions
//    (`@inline function`) are AssemblyScript, not TypeScript, so TS1206 "Decorators are not valid
//    here" is the one diagnostic dropped.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, 'src/kernels/wasm/assembly');
const DECORATORS_NOT_VALID_HERE = 1206;

// The build's features and runtime, so both compile the same language. asc writes its errors and
// its warnings to stderr, so anything written there fails the check.
const ascStderr = asc.createMemoryStream();
const ascResult = await asc.main(
  [
    ...readdirSync(folder)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(folder, name)),
    '--noEmit',
    '--runtime',
    'stub',
    '--enable',
    'simd,threads,relaxed-simd',
  ],
  { stderr: ascStderr },
);
const ascOutput = ascStderr.toString().trim();
if (ascOutput) console.error(ascOutput);
else if (ascResult.error) console.error(ascResult.error.message);

const configPath = join(folder, 'tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  },
);
const program = ts.createProgram(config.fileNames, { ...config.options, noEmit: true });
const tsDiagnostics = ts
  .getPreEmitDiagnostics(program)
  .filter((diagnostic) => diagnostic.code !== DECORATORS_NOT_VALID_HERE);
if (tsDiagnostics.length > 0) {
  const host = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  const format = process.stderr.isTTY
    ? ts.formatDiagnosticsWithColorAndContext
    : ts.formatDiagnostics;
  console.error(format(tsDiagnostics, host));
}

const failed = ascResult.error !== null || ascOutput !== '' || tsDiagnostics.length > 0;
console.log(
  `AssemblyScript type check: asc ${ascResult.error || ascOutput ? 'failed' : 'passed'}, ` +
    `tsc ${tsDiagnostics.length} diagnostics`,
);
process.exitCode = failed ? 1 : 0;
