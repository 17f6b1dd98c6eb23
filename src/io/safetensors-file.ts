/**
 * safetensors files on disk, in Node: the file helpers around the byte codec in safetensors.ts,
 * kept apart so that the codec (and the model files and browser entry built on it) imports
 * nothing from Node.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  type DecodedSafetensors,
  type TensorDict,
} from './safetensors.js';

/** Reads and decodes a safetensors file; errors name the path. */
export async function readSafetensors(path: string): Promise<DecodedSafetensors> {
  return decodeSafetensors(await readFile(path), { source: path });
}

/** Encodes tensors and writes them to path atomically (see atomic-write.ts). */
export async function writeSafetensors(
  path: string,
  tensors: TensorDict,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
