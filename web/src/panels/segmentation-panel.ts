/**
 * The segmentation panel: draw digits on a pad of 64x84 model pixels (the digit-masks scene
 * size) and see every pixel coloured by the class the segmenter gives it, with a legend of the
 * class names in the colours `convnet segment` draws (apps.segmentation.classColor) and each
 * class's share of the pixels. The segmenter comes from a model file (`convnet train --task
 * segmentation`) or is trained here; the worker runs apps.segmentation.segmentImage (padding to
 * the stride and cropping back), as `convnet segment` does.
 *
 * The mask is also on the legend element: data-mask (base64, one byte per pixel).
 */
import { apps } from 'convnet-ts/browser';
import type { AppModelInfo, FromAppsWorker } from '../apps-protocol.js';
import { AppPanel, toBase64 } from './app-panel.js';

const SIZE: [number, number] = [64, 84];
const SCALE = 4;
/** How much of a pixel's colour is its class's (the rest is the drawing). */
const ALPHA = 0.6;

export function mountSegmentationPanel(section: HTMLElement): AppPanel {
  const legend = document.createElement('ul');
  legend.className = 'legend';
  legend.id = 'segmentation-legend';
  /** The pixels of the drawing last sent, to tint under the mask. */
  let paintInput = new Float32Array(SIZE[0] * SIZE[1]);
  const panel = new AppPanel(section, {
    app: 'segmentation',
    title: 'A class for every pixel',
    intro:
      'Draw up to three digits: the segmenter colours every pixel by the digit it belongs to (or leaves it as background).',
    size: SIZE,
    scale: SCALE,
    request: (id, input) => {
      paintInput = input.pixels.slice();
      return {
        type: 'run',
        app: 'segmentation',
        id,
        pixels: input.pixels,
        height: SIZE[0],
        width: SIZE[1],
      };
    },
    show: (answer: FromAppsWorker, model) => {
      if (answer.type !== 'mask') return;
      paint(panel.pad.overlay, answer.mask, paintInput, SIZE);
      legend.dataset.mask = toBase64(answer.mask);
      showLegend(legend, model, answer.mask);
    },
    reset: (model) => {
      const { overlay } = panel.pad;
      overlay.getContext('2d')?.clearRect(0, 0, overlay.width, overlay.height);
      delete legend.dataset.mask;
      showLegend(legend, model, null);
    },
  });
  panel.side.append(legend);
  showLegend(legend, null, null);
  return panel;
}

/** The legend: every class's colour and name, with its share of the pixels when there is a mask. */
function showLegend(legend: HTMLElement, model: AppModelInfo | null, mask: Uint8Array | null) {
  const names = model?.classNames ?? [...apps.segmentation.DIGIT_MASK_CLASS_NAMES];
  const counts = new Array<number>(names.length).fill(0);
  if (mask !== null) for (const k of mask) counts[k]++;
  legend.replaceChildren(
    ...names.map((name, k) => {
      const item = document.createElement('li');
      item.dataset.class = String(k);
      const [r, g, b] = k === 0 ? [0, 0, 0] : apps.segmentation.classColor(k);
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = `rgb(${r}, ${g}, ${b})`;
      const share = mask === null ? '' : ` ${((100 * counts[k]) / mask.length).toFixed(1)}%`;
      item.dataset.pixels = String(counts[k]);
      item.classList.toggle('present', counts[k] > 0);
      item.append(swatch, `${name}${share}`);
      return item;
    }),
  );
}

/** The mask over the drawing: out = (1 - ALPHA) ink + ALPHA colour, background left clear. */
function paint(
  overlay: HTMLCanvasElement,
  mask: Uint8Array,
  pixels: Float32Array,
  [H, W]: readonly [number, number],
): void {
  const c = overlay.getContext('2d');
  if (c === null) return;
  const small = new OffscreenCanvas(W, H);
  const s = small.getContext('2d');
  if (s === null) return;
  const image = s.createImageData(W, H);
  for (let p = 0; p < H * W; p++) {
    const k = mask[p];
    if (k === 0) continue;
    const color = apps.segmentation.classColor(k);
    const ink = 255 * pixels[p];
    for (let ch = 0; ch < 3; ch++) {
      image.data[4 * p + ch] = Math.round((1 - ALPHA) * ink + ALPHA * color[ch]);
    }
    image.data[4 * p + 3] = 255;
  }
  s.putImageData(image, 0, 0);
  c.clearRect(0, 0, overlay.width, overlay.height);
  c.imageSmoothingEnabled = false;
  c.drawImage(small, 0, 0, overlay.width, overlay.height);
}
