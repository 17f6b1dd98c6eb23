/**
 * A drawing made into a digit the way MNIST made its digits: the digit's bounding box is scaled,
 * keeping its aspect ratio, to fit a 20x20 box (each new pixel the average of the area it
 * covers, so strokes are anti-aliased), then placed in the 28x28 field with its centre of mass
 * at the field's centre.
 *
 *   const pixels = mnistDigitFromDrawing({ width: 280, height: 280, data }); // 28*28 or null
 */

/** The side of an MNIST image. */
export const FIELD_SIZE = 28;
/** The side of the box the digit is scaled to fit. */
export const BOX_SIZE = 20;

/** A grayscale image: width*height intensities in [0,1], row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Where one output pixel along an axis takes its input: input index and weight pairs. */
type AxisTaps = { index: number; weight: number }[];

/** Area weights mapping `from` input pixels onto `to` output pixels along one axis. */
function axisTaps(from: number, to: number): AxisTaps[] {
  const ratio = from / to;
  const taps: AxisTaps[] = [];
  for (let out = 0; out < to; out++) {
    const lo = out * ratio;
    const hi = (out + 1) * ratio;
    const list: AxisTaps = [];
    for (let index = Math.floor(lo); index < Math.min(from, Math.ceil(hi)); index++) {
      const weight = Math.min(hi, index + 1) - Math.max(lo, index);
      if (weight > 0) list.push({ index, weight: weight / ratio });
    }
    taps.push(list);
  }
  return taps;
}

/**
 * The 28x28 MNIST-style image of a drawing (values in [0,1], row-major), or null when nothing
 * is drawn (no pixel above `threshold`).
 */
export function mnistDigitFromDrawing(image: GrayImage, threshold = 0.05): Float32Array | null {
  const { width, height, data } = image;
  if (data.length !== width * height) {
    throw new RangeError(`mnistDigitFromDrawing: ${data.length} values for ${width}x${height}`);
  }
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] > threshold) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const boxWidth = right - left + 1;
  const boxHeight = bottom - top + 1;
  const scale = BOX_SIZE / Math.max(boxWidth, boxHeight);
  const outWidth = Math.max(1, Math.round(boxWidth * scale));
  const outHeight = Math.max(1, Math.round(boxHeight * scale));

  // Area-average the bounding box down to outWidth x outHeight, rows then columns.
  const columns = axisTaps(boxWidth, outWidth);
  const rows = axisTaps(boxHeight, outHeight);
  const narrow = new Float32Array(boxHeight * outWidth);
  for (let y = 0; y < boxHeight; y++) {
    const row = (top + y) * width + left;
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (const { index, weight } of columns[x]) sum += data[row + index] * weight;
      narrow[y * outWidth + x] = sum;
    }
  }
  const small = new Float32Array(outHeight * outWidth);
  let mass = 0;
  let massX = 0;
  let massY = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (const { index, weight } of rows[y]) sum += narrow[index * outWidth + x] * weight;
      const value = Math.min(1, Math.max(0, sum));
      small[y * outWidth + x] = value;
      mass += value;
      massX += value * (x + 0.5);
      massY += value * (y + 0.5);
    }
  }

  // Shift so that the centre of mass lands on the centre of the field.
  const centre = FIELD_SIZE / 2;
  const shiftX =
    mass > 0 ? Math.round(centre - massX / mass) : Math.round((FIELD_SIZE - outWidth) / 2);
  const shiftY =
    mass > 0 ? Math.round(centre - massY / mass) : Math.round((FIELD_SIZE - outHeight) / 2);
  const field = new Float32Array(FIELD_SIZE * FIELD_SIZE);
  for (let y = 0; y < outHeight; y++) {
    const fy = y + shiftY;
    if (fy < 0 || fy >= FIELD_SIZE) continue;
    for (let x = 0; x < outWidth; x++) {
      const fx = x + shiftX;
      if (fx >= 0 && fx < FIELD_SIZE) field[fy * FIELD_SIZE + fx] = small[y * outWidth + x];
    }
  }
  return field;
}
