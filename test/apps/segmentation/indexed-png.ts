/**
 * A test fixture maker: an 8-bit indexed (palette) PNG, the way Pascal VOC stores its masks,
 * which pngjs can read but not write. Chunks are assembled here with Node's zlib (deflate and
 * CRC-32); nothing in src depends on this.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** indices (H*W, row-major) over palette [[r,g,b], ...] as an indexed PNG. */
export function indexedPng(
  width: number,
  height: number,
  indices: ArrayLike<number>,
  palette: readonly (readonly [number, number, number])[],
): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // colour type: palette
  const rows = Buffer.alloc(height * (width + 1));
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) rows[r * (width + 1) + 1 + c] = indices[r * width + c];
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Pascal VOC's colour map: class c gets bits of c spread over the top bits of r, g, b. */
export function vocPalette(): [number, number, number][] {
  return Array.from({ length: 256 }, (_, c) => {
    let r = 0;
    let g = 0;
    let b = 0;
    let k = c;
    for (let j = 7; j >= 0; j--) {
      r |= (k & 1) << j;
      g |= ((k >> 1) & 1) << j;
      b |= ((k >> 2) & 1) << j;
      k >>= 3;
    }
    return [r, g, b];
  });
}
