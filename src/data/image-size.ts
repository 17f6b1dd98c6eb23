/**
 * An image's size from its header bytes, before anything is decoded: a PNG's IHDR chunk or a
 * JPEG's start-of-frame segment. A 1.5 MB PNG may declare 20000x20000 pixels (6.4 GB of RGBA);
 * checkImageSize refuses it before a decoder allocates anything.
 *
 *   PNG   8-byte signature, then the IHDR chunk: length (4), "IHDR", width (4), height (4),
 *         big-endian, at bytes 16-23
 *   JPEG  FF D8, then segments FF <marker> <length (2, big-endian, counts itself)> ...; a
 *         start-of-frame (SOF0-SOF15 but C4, C8, CC) holds precision (1), height (2), width (2)
 *
 * Pure functions of bytes (no file system), for Node and the browser.
 */

/** The most pixels an image may declare: 50 megapixels (a 48 MP phone photo passes). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** An image whose header declares more pixels than allowed. */
export class ImageTooLargeError extends RangeError {
  override name = 'ImageTooLargeError';
}

export interface ImageHeader {
  format: 'PNG' | 'JPEG';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function u16(bytes: Uint8Array, i: number): number {
  return (bytes[i] << 8) | bytes[i + 1];
}

function u32(bytes: Uint8Array, i: number): number {
  return ((bytes[i] << 24) >>> 0) + ((bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]);
}

function pngHeader(bytes: Uint8Array): ImageHeader | null {
  if (bytes.length < 24 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return null;
  const ihdr = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  if (ihdr !== 'IHDR') return null;
  return { format: 'PNG', width: u32(bytes, 16), height: u32(bytes, 20) };
}

function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegHeader(bytes: Uint8Array): ImageHeader | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 1 < bytes.length) {
    if (bytes[i] !== 0xff) return null; // not at a marker: corrupt; the decoder says so
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RST0-7, SOI, EOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end, or scan data before any frame
    if (i + 3 >= bytes.length) return null;
    const length = u16(bytes, i + 2);
    if (isStartOfFrame(marker)) {
      if (i + 8 >= bytes.length) return null;
      return { format: 'JPEG', height: u16(bytes, i + 5), width: u16(bytes, i + 7) };
    }
    if (length < 2) return null;
    i += 2 + length;
  }
  return null;
}

/**
 * The format and size a PNG or JPEG declares in its header, or null where the bytes are neither
 * or the header is cut short (the decoder then rejects the file with its own reason).
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  return pngHeader(bytes) ?? jpegHeader(bytes);
}

/**
 * Throws an ImageTooLargeError where the header declares more than maxPixels pixels, naming the file (`name`), the
 * size and the limit; call it before decoding. Bytes without a readable header pass (the
 * decoder rejects them).
 */
export function checkImageSize(
  bytes: Uint8Array,
  name: string,
  maxPixels: number = MAX_IMAGE_PIXELS,
): ImageHeader | null {
  const header = readImageHeader(bytes);
  if (header !== null && header.width * header.height > maxPixels) {
    const { format, width, height } = header;
    throw new ImageTooLargeError(
      `${name}: a ${format} of ${width}x${height} = ${(width * height).toLocaleString('en-US')} pixels is over the limit of ${maxPixels.toLocaleString('en-US')}; not decoded (shrink the image first)`,
    );
  }
  return header;
}
