/**
 * COCO detection annotations (the `instances_*.json` layout): `images` [{id, file_name, width,
 * height}], `annotations` [{id, image_id, category_id, bbox: [x, y, width, height]}] in pixels,
 * `categories` [{id, name}]. parseCocoAnnotations checks the structure (zod) and then every
 * annotation against its image and the categories; each problem is a CocoFormatError naming the
 * file and the entry ("annotations.json: annotation id 7 (annotations[6]): bbox [90, 4, 12, 9]
 * reaches x = 102, outside image 3 (96x96)").
 *
 * Labels are 0-based class indices in the order of the categories sorted by id, so COCO's
 * 1-based ids (ours are label + 1) and any other numbering both work.
 */
import { z } from 'zod';
import { boxFromXywh, type Box } from './boxes.js';

export class CocoFormatError extends Error {
  override name = 'CocoFormatError';
}

const imageSchema = z.looseObject({
  id: z.number().int(),
  file_name: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

const annotationSchema = z.looseObject({
  id: z.number().int(),
  image_id: z.number().int(),
  category_id: z.number().int(),
  bbox: z.array(z.number()).length(4),
});

const categorySchema = z.looseObject({ id: z.number().int(), name: z.string().min(1) });

const cocoSchema = z.looseObject({
  images: z.array(imageSchema),
  annotations: z.array(annotationSchema),
  categories: z.array(categorySchema).min(1),
});

export type CocoImage = z.infer<typeof imageSchema>;
export type CocoAnnotation = z.infer<typeof annotationSchema>;
export type CocoCategory = z.infer<typeof categorySchema>;
export type CocoFile = z.infer<typeof cocoSchema>;

export interface CocoObject {
  box: Box;
  label: number;
}

/** One image's entry and its objects, checked. */
export interface CocoImageEntry {
  id: number;
  fileName: string;
  width: number;
  height: number;
  objects: CocoObject[];
}

export interface CocoAnnotations {
  /** Class names in label order (categories sorted by id). */
  classNames: string[];
  /** Category id of each label. */
  categoryIds: number[];
  images: CocoImageEntry[];
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

function duplicates(ids: readonly number[]): number | null {
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return null;
}

/**
 * Checks parsed JSON as COCO detection annotations. `source` (normally the file's path) starts
 * every error message.
 */
export function parseCocoAnnotations(value: unknown, source: string): CocoAnnotations {
  const result = cocoSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CocoFormatError(`${source}: ${pathText(issue.path) || 'the file'}: ${issue.message}`);
  }
  const coco = result.data;
  const dupImage = duplicates(coco.images.map((im) => im.id));
  if (dupImage !== null) throw new CocoFormatError(`${source}: image id ${dupImage} appears twice`);
  const dupCategory = duplicates(coco.categories.map((c) => c.id));
  if (dupCategory !== null) {
    throw new CocoFormatError(`${source}: category id ${dupCategory} appears twice`);
  }
  const categories = [...coco.categories].sort((a, b) => a.id - b.id);
  const labelOf = new Map(categories.map((c, label) => [c.id, label]));
  const entries = coco.images.map((im): CocoImageEntry => ({
    id: im.id,
    fileName: im.file_name,
    width: im.width,
    height: im.height,
    objects: [],
  }));
  const entryOf = new Map(entries.map((e) => [e.id, e]));
  coco.annotations.forEach((a, index) => {
    const where = `${source}: annotation id ${a.id} (annotations[${index}])`;
    const entry = entryOf.get(a.image_id);
    if (entry === undefined) throw new CocoFormatError(`${where}: unknown image_id ${a.image_id}`);
    const label = labelOf.get(a.category_id);
    if (label === undefined) {
      throw new CocoFormatError(
        `${where}: unknown category_id ${a.category_id} (known: ${categories.map((c) => c.id).join(', ')})`,
      );
    }
    const [x, y, w, h] = a.bbox;
    const shown = `bbox [${a.bbox.join(', ')}]`;
    if (!a.bbox.every(Number.isFinite) || w <= 0 || h <= 0) {
      throw new CocoFormatError(`${where}: ${shown} must have finite values and positive size`);
    }
    const image = `image ${entry.id} '${entry.fileName}' (${entry.width}x${entry.height})`;
    if (x < 0 || y < 0) {
      throw new CocoFormatError(`${where}: ${shown} starts outside ${image}`);
    }
    if (x + w > entry.width || y + h > entry.height) {
      const axis = x + w > entry.width ? `x = ${x + w}` : `y = ${y + h}`;
      throw new CocoFormatError(`${where}: ${shown} reaches ${axis}, outside ${image}`);
    }
    entry.objects.push({ box: boxFromXywh(a.bbox), label });
  });
  return {
    classNames: categories.map((c) => c.name),
    categoryIds: categories.map((c) => c.id),
    images: entries,
  };
}

/** JSON text -> checked annotations; bad JSON is a CocoFormatError naming the source. */
export function parseCocoJson(text: string, source: string): CocoAnnotations {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CocoFormatError(
      `${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return parseCocoAnnotations(value, source);
}
