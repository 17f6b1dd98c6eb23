/**
 * A canvas to draw a digit on with a mouse, a finger or a pen (pointer events): white strokes on
 * black, as in MNIST. read() gives the drawing as intensities in [0,1].
 */
import type { data } from 'convnet-ts/browser';

type GrayImage = data.GrayImage;

/** Stroke width in canvas pixels: a digit drawn across most of a 280-pixel canvas is scaled by
 * about 0.1, so strokes come out about 2 pixels wide, like MNIST's. */
const STROKE_WIDTH = 20;

export class DrawPad {
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly onChange: () => void;
  private readonly strokeWidth: number;
  private last: { x: number; y: number } | null = null;

  /** strokeWidth in canvas pixels; the default suits the 280-pixel digit pad. */
  constructor(canvas: HTMLCanvasElement, onChange: () => void, strokeWidth = STROKE_WIDTH) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (context === null) throw new Error('DrawPad: no 2D canvas context');
    this.canvas = canvas;
    this.context = context;
    this.onChange = onChange;
    this.strokeWidth = strokeWidth;
    canvas.style.touchAction = 'none'; // the finger draws instead of scrolling the page
    canvas.addEventListener('pointerdown', (event) => this.down(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    canvas.addEventListener('pointerup', () => this.up());
    canvas.addEventListener('pointercancel', () => this.up());
    this.clear();
  }

  clear(): void {
    this.context.fillStyle = '#000';
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.onChange();
  }

  /** The drawing as intensities in [0,1] (the red channel), one per canvas pixel. */
  read(): GrayImage {
    const { width, height } = this.canvas;
    const rgba = this.context.getImageData(0, 0, width, height).data;
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = rgba[4 * i] / 255;
    return { width, height, data };
  }

  /** The pointer's position in canvas pixels (the canvas may be shown scaled). */
  private position(event: PointerEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * this.canvas.width) / box.width,
      y: ((event.clientY - box.top) * this.canvas.height) / box.height,
    };
  }

  private down(event: PointerEvent): void {
    this.canvas.setPointerCapture(event.pointerId);
    this.last = this.position(event);
    this.stroke(this.last, this.last);
  }

  private move(event: PointerEvent): void {
    if (this.last === null) return;
    const to = this.position(event);
    this.stroke(this.last, to);
    this.last = to;
  }

  private up(): void {
    this.last = null;
  }

  private stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const c = this.context;
    c.strokeStyle = '#fff';
    c.lineWidth = this.strokeWidth;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(from.x, from.y);
    c.lineTo(to.x, to.y);
    c.stroke();
    this.onChange();
  }
}
