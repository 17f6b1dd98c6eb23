/**
 * ONNX: exportOnnx writes a Graph as an ONNX model (opset 17) that ONNX Runtime serves;
 * importOnnx reads one (ours, or PyTorch's for the same layers) back as a Graph.
 */
export {
  exportOnnx,
  ONNX_OPSET,
  ONNX_IR_VERSION,
  ONNX_BATCH_DIM,
  CLASS_NAMES_KEY,
  type ExportOnnxOptions,
  type OnnxNormalize,
} from './export-onnx.js';
export {
  importOnnx,
  ONNX_IMPORT_OPSETS,
  type ImportOnnxOptions,
  type ImportedOnnx,
} from './import-onnx.js';
export { OnnxError } from './onnx-error.js';
