/**
 * Save and load formats: safetensors, one-file models, atomic file writes, checkpoint
 * directories, strict JSON.
 */
export {
  SafetensorsError,
  MAX_HEADER_BYTES,
  encodeSafetensors,
  decodeSafetensors,
  readSafetensors,
  writeSafetensors,
} from './safetensors.js';
export type {
  SafetensorsDType,
  TensorDict,
  DecodeSafetensorsOptions,
  DecodedSafetensors,
} from './safetensors.js';
export {
  writeFileAtomic,
  writeFileAtomicSync,
  parseTempName,
  syncDirectory,
  syncDirectorySync,
} from './atomic-write.js';
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
export { JsonParseError, parseJson, stringifyJson } from './json.js';
export type { JsonObject, JsonValue, ParseJsonOptions } from './json.js';
export * from './model-file.js';
