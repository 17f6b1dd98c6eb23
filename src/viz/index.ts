/**
 * Visualisation in Node (`viz` in convnet-ts; browser.ts is the part a page can use): feature
 * maps, filters and class probabilities of a model on one image, training curves, the
 * confusion matrix, a network's architecture and a self-contained HTML report, all as files
 * (PNG through pngjs and resvg, charts through Vega-Lite, text in the DejaVu fonts). See
 * docs/visualize.md. The helpers behind these (colours, label widths, chart config) stay
 * internal to src/viz.
 */
export * from './browser.js';
export {
  featureMapGrid,
  gridLayout,
  normalizeToGrey,
  renderGrid,
  tileOrigin,
} from './image-grid.js';
export type { GridImage, GridLayout, GridOptions } from './image-grid.js';
export { filterGrid } from './filters.js';
export { architecturePng } from './architecture-png.js';
export type { ArchitecturePngOptions } from './architecture-png.js';
export { decodePng, encodePng } from './png.js';
export type { Raster, Rgb } from './png.js';
export { svgToPng } from './svg.js';
export type { RenderedPng, SvgToPngOptions } from './svg.js';
export { probabilitiesPng } from './probabilities.js';
export type { ProbabilitiesOptions } from './probabilities.js';
export { confusionMatrixPng, confusionMatrixSize, trainingCurvesPng } from './charts.js';
export type { ConfusionMatrixOptions, CurveRecord, TrainingCurvesOptions } from './charts.js';
export { REPORT_FILES, renderReportHtml, writeTrainingReport } from './report.js';
export type {
  ConfusionInput,
  ReportImage,
  ReportImages,
  TrainingReportContent,
  WriteTrainingReportOptions,
} from './report.js';
export type { WrittenFile } from './output.js';
export {
  FILTERS_FILE,
  PROBABILITIES_FILE,
  featureMapFileName,
  visualizeModel,
} from './visualize.js';
export type { ModelVisualization, VisualizeModelOptions, VisualizedLayer } from './visualize.js';
export { formatVisualization, visualizeCheckpoint, writeTrainRunReport } from './cli-visualize.js';
export type { CheckpointVisualization, VisualizeCheckpointOptions } from './cli-visualize.js';
