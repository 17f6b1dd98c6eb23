/**
 * visualizeModel: everything there is to see of a model on one image, as PNG files in a
 * directory (each written atomically):
 *
 *   feature-maps-<layer>.png   one per layer, in the order they run ('feature-maps-features.0.png'):
 *                              a (1,C,H,W) output as a grid of its C maps, a (1,K) output
 *                              (linear) as one tile of its K values, and the model's output as
 *                              K tiles labelled with the class names and scores; each labelled
 *                              "<layer> <type> <shape>" with a legend (what black and white
 *                              mean, the values' range) (image-grid.ts). Not for Flatten, whose
 *                              output is the previous layer's maps in a row.
 *   filters.png                the first Conv2d's filters (filters.ts); not written for a
 *                              model without a Conv2d
 *   probabilities.png          softmax of the model's output as a bar chart with the class
 *                              names (probabilities.ts)
 *
 * The image must already be what the model takes: (1,C,H,W), normalised as in training (see
 * cli-visualize.ts for reading a file the way `convnet predict` does). Everything is checked
 * before any file is written: the image's shape against every layer (the error names the
 * layer), and the model's output against the class names.
 */
import { noGrad } from '../autograd.js';
import type { Layer } from '../nn/module.js';
import { softmax } from '../ops/softmax.js';
import { ShapeError } from '../shape/shape-error.js';
import { formatShape, type Shape, type Tensor } from '../tensor.js';
import { argmax } from '../train/metrics.js';
import { captureFeatureMaps } from './feature-maps.js';
import { filterGrid, firstConvLayer } from './filters.js';
import { featureMapGrid, type GridOptions } from './image-grid.js';
import { fileNamePart, writeOutputFile, type WrittenFile } from './output.js';
import { probabilitiesPng } from './probabilities.js';

export interface VisualizeModelOptions {
  model: Layer;
  /** One image (1,C,H,W), prepared as the model expects. */
  image: Tensor;
  /** One name per output of the model, in order. */
  classNames: readonly string[];
  /** Where the PNGs go (created if needed). */
  outDir: string;
  /** Columns, scale, gap, margin, font size of the feature-map and filter grids. */
  grid?: GridOptions;
  /** Pixels per SVG unit of the probability chart; default 2. */
  chartScale?: number;
}

/** A layer of the model and the image drawn of its output (null when its output is not drawable). */
export interface VisualizedLayer {
  name: string;
  type: string;
  shape: Shape;
  file: string | null;
}

export interface ModelVisualization {
  /** Every file written, in order: feature maps, filters, probabilities. */
  files: WrittenFile[];
  layers: VisualizedLayer[];
  /** softmax of the model's output, one per class. */
  probabilities: number[];
  /** The most probable class. */
  prediction: { classIndex: number; className: string; probability: number };
}

/** The file name of a layer's feature-map image. */
export function featureMapFileName(layerName: string): string {
  return `feature-maps-${fileNamePart(layerName)}.png`;
}

export const FILTERS_FILE = 'filters.png';
export const PROBABILITIES_FILE = 'probabilities.png';

/** Layers whose output is their input rearranged: nothing new to see. */
const NOT_DRAWN = new Set(['Flatten']);

function isDrawable(shape: Shape, type: string): boolean {
  return (shape.length === 4 || shape.length === 2) && shape[0] === 1 && !NOT_DRAWN.has(type);
}

/** Writes the feature maps, filters and probabilities of `model` on `image` (see the top). */
export async function visualizeModel({
  model,
  image,
  classNames,
  outDir,
  grid = {},
  chartScale = 2,
}: VisualizeModelOptions): Promise<ModelVisualization> {
  const maps = captureFeatureMaps(model, image);
  const output = maps[maps.length - 1]?.output ?? image;
  if (output.rank !== 2 || output.shape[1] !== classNames.length) {
    throw new ShapeError(
      `visualizeModel: the model outputs ${formatShape(output.shape)} for one image, but ${classNames.length} class names were given; a classifier outputs (1,K) for K classes`,
    );
  }
  const probabilities = Array.from(noGrad(() => softmax(output, 1)).data);
  const classIndex = argmax(probabilities);

  const files: WrittenFile[] = [];
  const layers: VisualizedLayer[] = [];
  const usedNames = new Set<string>();
  for (const [index, map] of maps.entries()) {
    let file: string | null = null;
    if (isDrawable(map.shape, map.type)) {
      let name = featureMapFileName(map.name);
      for (let k = 2; usedNames.has(name); k++) name = featureMapFileName(`${map.name}_${k}`);
      usedNames.add(name);
      const last = index === maps.length - 1;
      const picture = await featureMapGrid(map, grid, last ? classNames : undefined);
      const written = await writeOutputFile(outDir, name, picture.png);
      files.push(written);
      file = written.path;
    }
    layers.push({ name: map.name, type: map.type, shape: map.shape, file });
  }
  if (firstConvLayer(model) !== null) {
    const filters = await filterGrid(model, grid);
    files.push(await writeOutputFile(outDir, FILTERS_FILE, filters.png));
  }
  const chart = await probabilitiesPng(probabilities, classNames, { scale: chartScale });
  files.push(await writeOutputFile(outDir, PROBABILITIES_FILE, chart.png));
  return {
    files,
    layers,
    probabilities,
    prediction: {
      classIndex,
      className: classNames[classIndex],
      probability: probabilities[classIndex],
    },
  };
}
