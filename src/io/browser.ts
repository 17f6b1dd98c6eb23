/**
 * Formats in a browser (`io` in convnet-ts/browser): the safetensors codec, one-file models and
 * strict JSON, all bytes in and bytes out, so a page saves and opens the same files as Node.
 * The file-system parts (safetensors files, atomic writes, checkpoint directories) are in
 * index.ts, the Node namespace.
 */
export {
  SafetensorsError,
  MAX_HEADER_BYTES,
  encodeSafetensors,
  decodeSafetensors,
} from './safetensors.js';
export type {
  SafetensorsDType,
  TensorDict,
  DecodeSafetensorsOptions,
  DecodedSafetensors,
} from './safetensors.js';
export { JsonParseError, parseJson, stringifyJson } from './json.js';
export type { JsonObject, JsonValue, ParseJsonOptions } from './json.js';
export * from './model-file.js';
export * from './model-spec.js';
export * from './onnx/index.js';
