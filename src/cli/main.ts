#!/usr/bin/env node
/**
 * The `convnet` executable (package.json "bin"): runs the program of program.ts on the command
 * line and turns any error into one line on stderr, `convnet: error: ...`, and exit status 1.
 */
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`convnet: error: ${message}\n`);
  process.exitCode = 1;
}
