/**
 * Save and load (`io` in convnet-ts): everything in the browser's namespace (browser.ts: the
 * safetensors codec, one-file models, strict JSON) plus files in Node: safetensors files,
 * atomic writes and checkpoint directories.
 */
export * from './browser.js';
export { readSafetensors, writeSafetensors } from './safetensors-file.js';
export { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
export type { AtomicWriteOptions } from './atomic-write.js';
export {
  CheckpointError,
  CHECKPOINT_MANIFEST,
  saveCheckpoint,
  saveCheckpointSync,
  loadCheckpoint,
  loadCheckpointSync,
} from './checkpoint.js';
export type {
  CheckpointPart,
  CheckpointContents,
  CheckpointFileEntry,
  CheckpointManifest,
  LoadedCheckpoint,
  LoadCheckpointOptions,
} from './checkpoint.js';
