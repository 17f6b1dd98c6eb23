/**
 * Class masks as PNG files, decoded and encoded by pngjs:
 *
 *   indexed (palette) PNG   the pixel's palette index is its class, as Pascal VOC's
 *                           SegmentationClass masks are stored (VOC draws class c in its palette's
 *                           colour c, and object borders in index 255: ignored)
 *   8-bit grayscale PNG     the pixel's value is its class (what writeMaskPng writes, and what
 *                           PIL's Image.open(...) gives PyTorch scripts as mode 'L')
 *
 * pngjs expands a palette to RGBA while decoding and hands back the palette itself, so the index
 * is recovered by looking each pixel's colour up in it (the first index of a colour, for
 * palettes that repeat one). RGB masks, 16-bit and low-bit grayscale masks are refused: a colour
 * is not a class until a palette says which.
 */
import { PNG } from 'pngjs';
import { IGNORE_INDEX } from './segmentation-set.js';

/** A mask file that cannot be read as classes. */
export class MaskError extends Error {
  override name = 'MaskError';
}

export interface DecodedMask {
  width: number;
  height: number;
  /** (H,W) row-major class values. */
  mask: Uint8Array;
}

/** What PNG.sync.read returns beside the pixels (pngjs's types leave these out). */
interface PngMetadata {
  width: number;
  height: number;
  data: Uint8Array;
  depth: number;
  colorType: number;
  palette?: readonly (readonly number[])[];
}

const COLOR_TYPE_GRAY = 0;
const COLOR_TYPE_PALETTE = 3;
const COLOR_TYPE_GRAY_ALPHA = 4;

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Decodes a PNG class mask (see the top of this file); `name` (normally the path) is named in
 * errors. With numClasses, a value that is neither a class in [0, numClasses) nor IGNORE_INDEX
 * is an error giving the value and its position.
 */
export function decodeMaskPng(bytes: Uint8Array, name: string, numClasses?: number): DecodedMask {
  let png: PngMetadata;
  try {
    png = PNG.sync.read(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    ) as unknown as PngMetadata;
  } catch (error) {
    throw new MaskError(`${name}: not a readable PNG mask (${reasonOf(error)})`);
  }
  const { width, height, data, colorType, depth } = png;
  const mask = new Uint8Array(width * height);
  if (colorType === COLOR_TYPE_PALETTE) {
    const index = new Map<number, number>();
    (png.palette ?? []).forEach(([r, g, b, a], i) => {
      const key = ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
      if (!index.has(key)) index.set(key, i);
    });
    for (let p = 0; p < mask.length; p++) {
      const key =
        ((data[4 * p] << 24) |
          (data[4 * p + 1] << 16) |
          (data[4 * p + 2] << 8) |
          data[4 * p + 3]) >>>
        0;
      const i = index.get(key);
      if (i === undefined) throw new MaskError(`${name}: pixel ${p} is not a palette colour`);
      mask[p] = i;
    }
  } else if (
    (colorType === COLOR_TYPE_GRAY || colorType === COLOR_TYPE_GRAY_ALPHA) &&
    depth === 8
  ) {
    for (let p = 0; p < mask.length; p++) mask[p] = data[4 * p];
  } else {
    const kind =
      colorType === COLOR_TYPE_GRAY || colorType === COLOR_TYPE_GRAY_ALPHA
        ? `${depth}-bit grayscale`
        : 'RGB';
    throw new MaskError(
      `${name}: a ${kind} PNG is not a class mask; save the classes as an indexed (palette) PNG or an 8-bit grayscale PNG whose values are the classes`,
    );
  }
  if (numClasses !== undefined) {
    for (let p = 0; p < mask.length; p++) {
      const v = mask[p];
      if (v >= numClasses && v !== IGNORE_INDEX) {
        throw new MaskError(
          `${name}: value ${v} at row ${Math.floor(p / width)}, column ${p % width} is not a class: classes are 0..${numClasses - 1} (or ${IGNORE_INDEX}, ignored)`,
        );
      }
    }
  }
  return { width, height, mask };
}

/** An (H,W) class mask as an 8-bit grayscale PNG whose values are the classes. */
export function encodeMaskPng(mask: Uint8Array, width: number, height: number): Uint8Array {
  if (mask.length !== width * height) {
    throw new RangeError(
      `encodeMaskPng: ${width}x${height} needs ${width * height} values, got ${mask.length}`,
    );
  }
  const png = new PNG({
    width,
    height,
    colorType: COLOR_TYPE_GRAY,
    inputColorType: COLOR_TYPE_GRAY,
    inputHasAlpha: false,
    bitDepth: 8,
  });
  png.data = Buffer.from(mask.buffer, mask.byteOffset, mask.byteLength);
  return PNG.sync.write(png, {
    colorType: COLOR_TYPE_GRAY,
    inputColorType: COLOR_TYPE_GRAY,
    inputHasAlpha: false,
    bitDepth: 8,
  });
}

/** (C,H,W) pixels in [0,1] (C = 1 or 3) as an 8-bit grayscale or RGB PNG. */
export function encodeImagePng(
  pixels: Float32Array,
  [C, H, W]: readonly [number, number, number],
): Uint8Array {
  if ((C !== 1 && C !== 3) || pixels.length !== C * H * W) {
    throw new RangeError(
      `encodeImagePng: expected (1 or 3,H,W) pixels, got (${C},${H},${W}) with ${pixels.length} values`,
    );
  }
  const rgb = new Uint8Array(H * W * 3);
  for (let p = 0; p < H * W; p++) {
    for (let c = 0; c < 3; c++) {
      const v = pixels[(C === 1 ? 0 : c) * H * W + p];
      rgb[3 * p + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  const colorType = C === 1 ? COLOR_TYPE_GRAY : 2;
  const png = new PNG({
    width: W,
    height: H,
    colorType,
    inputColorType: 2,
    inputHasAlpha: false,
    bitDepth: 8,
  });
  png.data = Buffer.from(rgb.buffer);
  return PNG.sync.write(png, { colorType, inputColorType: 2, inputHasAlpha: false, bitDepth: 8 });
}
