/**
 * Run by atomic-write.test.ts as a child process that the test kills with SIGKILL: replaces the
 * file at argv[2] with ever newer versions of `size` bytes (every byte of version v is v % 251),
 * printing each version number once it is written, until it is killed.
 */
import { writeFileAtomicSync } from '../../../src/io/atomic-write.js';

const [path, sizeText, versionsText] = process.argv.slice(2);
const size = Number(sizeText);
const versions = versionsText === undefined ? Infinity : Number(versionsText);
const data = new Uint8Array(size);
for (let version = 1; version <= versions; version++) {
  writeFileAtomicSync(path, data.fill(version % 251));
  process.stdout.write(`${version}\n`);
}
