/**
 * A detection set as a COCO-format folder, the layout other tools read:
 *
 *   <dir>/annotations.json     images, annotations (bbox [x, y, width, height]), categories
 *   <dir>/images/000000.png    one grayscale PNG per scene (8-bit)
 *
 * writeCocoFolder writes the images first and annotations.json last (atomically), so a folder
 * with annotations is complete. readCocoFolder reads any COCO detection folder: annotations from
 * `annotations.json` (or a given file), images (PNG or JPEG) relative to the folder or its
 * `images/` subfolder; every problem is an error naming the file and the entry. Node only.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageFromBytes } from '../../data/image-folder.js';
import { writeFileAtomicSync } from '../../io/atomic-write.js';
import { encodePng } from '../../viz/png.js';
import { boxToXywh } from './boxes.js';
import { CocoFormatError, parseCocoJson, type CocoFile } from './coco-format.js';
import type { Scene } from './digit-scenes.js';

export const COCO_ANNOTATIONS_FILE = 'annotations.json';

/** Grayscale pixels in [0, 1] as an opaque RGBA PNG (r = g = b). */
export function grayToPng(pixels: ArrayLike<number>, width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[p])) * 255);
    data[4 * p] = v;
    data[4 * p + 1] = v;
    data[4 * p + 2] = v;
    data[4 * p + 3] = 255;
  }
  return encodePng({ width, height, data });
}

/** The COCO JSON of a set of scenes (image ids from 1, category ids label + 1). */
export function scenesToCoco(scenes: readonly Scene[], classNames: readonly string[]): CocoFile {
  const images: CocoFile['images'] = [];
  const annotations: CocoFile['annotations'] = [];
  scenes.forEach((scene, i) => {
    images.push({
      id: i + 1,
      file_name: `images/${String(i).padStart(6, '0')}.png`,
      width: scene.width,
      height: scene.height,
    });
    for (const obj of scene.objects) {
      if (obj.label < 0 || obj.label >= classNames.length) {
        throw new RangeError(
          `scenesToCoco: scene ${i} has label ${obj.label}, outside the classes`,
        );
      }
      const bbox = boxToXywh(obj.box);
      annotations.push({
        id: annotations.length + 1,
        image_id: i + 1,
        category_id: obj.label + 1,
        bbox,
        area: bbox[2] * bbox[3],
        iscrowd: 0,
      });
    }
  });
  const categories = classNames.map((name, label) => ({ id: label + 1, name }));
  return { images, annotations, categories };
}

/** Writes scenes as a COCO folder (created if missing). */
export function writeCocoFolder(
  dir: string,
  scenes: readonly Scene[],
  classNames: readonly string[],
): void {
  const coco = scenesToCoco(scenes, classNames);
  mkdirSync(join(dir, 'images'), { recursive: true });
  scenes.forEach((scene, i) => {
    writeFileSync(
      join(dir, coco.images[i].file_name),
      grayToPng(scene.pixels, scene.width, scene.height),
    );
  });
  writeFileAtomicSync(join(dir, COCO_ANNOTATIONS_FILE), `${JSON.stringify(coco)}\n`);
}

export interface CocoDataset {
  classNames: string[];
  scenes: Scene[];
  /** The image file of each scene. */
  files: string[];
}

/**
 * Reads a COCO folder as grayscale scenes. `annotations` defaults to <dir>/annotations.json;
 * a file_name is looked up relative to dir, then dir/images.
 */
export function readCocoFolder(
  dir: string,
  annotations = join(dir, COCO_ANNOTATIONS_FILE),
): CocoDataset {
  let text: string;
  try {
    text = readFileSync(annotations, 'utf8');
  } catch (error) {
    throw new CocoFormatError(
      `${annotations}: cannot read the annotations (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = parseCocoJson(text, annotations);
  const scenes: Scene[] = [];
  const files: string[] = [];
  parsed.images.forEach((entry, index) => {
    const candidates = [join(dir, entry.fileName), join(dir, 'images', entry.fileName)];
    const file = candidates.find((path) => existsSync(path));
    if (file === undefined) {
      throw new CocoFormatError(
        `${annotations}: image id ${entry.id} (images[${index}]): file '${entry.fileName}' not found in ${dir} or its images/ folder`,
      );
    }
    const { pixels, shape } = imageFromBytes(readFileSync(file), file, { channels: 1 });
    if (shape[1] !== entry.height || shape[2] !== entry.width) {
      throw new CocoFormatError(
        `${annotations}: image id ${entry.id} (images[${index}]): '${file}' is ${shape[2]}x${shape[1]}, the annotations say ${entry.width}x${entry.height}`,
      );
    }
    scenes.push({ width: entry.width, height: entry.height, pixels, objects: entry.objects });
    files.push(file);
  });
  return { classNames: parsed.classNames, scenes, files };
}
