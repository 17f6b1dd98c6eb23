/**
 * Runs a `convnet` command in process, as the CLI tests do: the program's stdout and stderr go
 * to one plain Writable (not a TTY, so no progress bars), whose text is returned; commander's
 * own errors throw (exitOverride) instead of exiting the test process.
 */
import { Writable } from 'node:stream';
import { createProgram } from '../../src/cli/program.js';

export async function runConvnet(...args: string[]): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as NodeJS.WriteStream;
  await createProgram({ stdout: sink, stderr: sink })
    .exitOverride()
    .parseAsync(args, { from: 'user' });
  return text;
}
