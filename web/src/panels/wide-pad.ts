/**
 * A drawing pad for the application panels: a canvas of (height x width) model pixels shown
 * `scale` times larger, white ink on black (the digit pad's DrawPad, with a stroke width that
 * comes out as wide as the training digits' strokes), and a transparent canvas on top where a
 * panel draws what its model answered (boxes, a mask).
 *
 * modelPixels() is what the model is given: each scale x scale block of the drawing averaged
 * (area downscaling, the soft edges MNIST's digits have) and rounded to 8-bit levels k / 255,
 * as the generated scenes are.
 */
import { DrawPad } from '../draw-pad.js';

/** Stroke width in model pixels: MNIST's strokes are 2-3 pixels of a 20-pixel digit, and the
 * scenes scale digits by about 1 (detection: 16-40 px, segmentation: 22-34 px sides). */
const STROKE_MODEL_PIXELS = 2.5;

export interface ModelPixels {
  /** (height, width) in [0,1], row-major. */
  pixels: Float32Array;
  /** The same as 8-bit levels: pixels[i] = levels[i] / 255. */
  levels: Uint8Array;
  /** True when nothing is drawn. */
  empty: boolean;
}

export class WidePad {
  readonly height: number;
  readonly width: number;
  readonly scale: number;
  /** Where a panel draws its model's answer (the pad's size in canvas pixels). */
  readonly overlay: HTMLCanvasElement;
  private readonly pad: DrawPad;

  constructor(
    parent: HTMLElement,
    id: string,
    [height, width]: readonly [number, number],
    scale: number,
    onChange: () => void,
  ) {
    this.height = height;
    this.width = width;
    this.scale = scale;
    const frame = document.createElement('div');
    frame.className = 'wide-pad';
    frame.style.setProperty('--pad-ratio', `${width} / ${height}`);
    frame.style.maxWidth = `${width * scale}px`;
    const ink = document.createElement('canvas');
    ink.id = id;
    ink.className = 'wide-pad-ink';
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'wide-pad-overlay';
    for (const canvas of [ink, this.overlay]) {
      canvas.width = width * scale;
      canvas.height = height * scale;
    }
    frame.append(ink, this.overlay);
    parent.append(frame);
    this.pad = new DrawPad(ink, onChange, STROKE_MODEL_PIXELS * scale);
  }

  clear(): void {
    this.pad.clear();
  }

  /** The drawing at model size (see the top of this file). */
  modelPixels(): ModelPixels {
    const drawn = this.pad.read();
    const { height: H, width: W, scale: s } = this;
    const levels = new Uint8Array(H * W);
    let empty = true;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let sum = 0;
        for (let dy = 0; dy < s; dy++) {
          const row = (y * s + dy) * drawn.width + x * s;
          for (let dx = 0; dx < s; dx++) sum += drawn.data[row + dx];
        }
        const level = Math.round((255 * sum) / (s * s));
        levels[y * W + x] = level;
        if (level > 0) empty = false;
      }
    }
    const pixels = new Float32Array(H * W);
    for (let i = 0; i < pixels.length; i++) pixels[i] = levels[i] / 255;
    return { pixels, levels, empty };
  }
}
