/**
 * The detection panel: write several digits on a wide pad (96x96 model pixels, the size of the
 * digit-scenes the detector trains on) and see each found digit boxed, named and scored. The
 * detector comes from a model file (`convnet train --task detection`) or is trained here; the
 * worker runs apps.detection.detectImage (padding, decoding, class-wise NMS), as `convnet
 * detect` does.
 *
 * The boxes, at full precision, are also on the list element: data-detections (JSON) and
 * data-score-threshold / data-top-k, the settings they were decoded with.
 */
import { apps } from 'convnet-ts/browser';
import type { FromAppsWorker, PanelDetection } from '../apps-protocol.js';
import { AppPanel } from './app-panel.js';

const SIZE: [number, number] = [96, 96];
const SCALE = 4;
const TOP_K = 20;
const DEFAULT_SCORE = 0.3;

function rgb(label: number): string {
  // Digit d has the colour of class d + 1 in the segmentation panel (class 0 is background).
  const [r, g, b] = apps.segmentation.classColor(label + 1);
  return `rgb(${r}, ${g}, ${b})`;
}

export function mountDetectionPanel(section: HTMLElement): AppPanel {
  const threshold = Object.assign(document.createElement('input'), {
    type: 'number',
    id: 'detection-score',
    min: '0.01',
    max: '1',
    step: '0.05',
    value: String(DEFAULT_SCORE),
  });
  const label = document.createElement('label');
  label.append('min score ', threshold);
  const list = document.createElement('ol');
  list.className = 'detections';
  list.id = 'detection-list';
  const scoreThreshold = (): number => {
    const value = Number(threshold.value);
    return Number.isFinite(value) && value > 0 && value <= 1 ? value : DEFAULT_SCORE;
  };

  const panel = new AppPanel(section, {
    app: 'detection',
    title: 'Find the digits',
    intro:
      'Write several digits anywhere on the pad: the detector boxes each one, names it and scores it.',
    size: SIZE,
    scale: SCALE,
    extraControls: [label],
    request: (id, input) => ({
      type: 'run',
      app: 'detection',
      id,
      pixels: input.pixels,
      height: SIZE[0],
      width: SIZE[1],
      detection: { scoreThreshold: scoreThreshold(), topK: TOP_K },
    }),
    show: (answer: FromAppsWorker, model) => {
      if (answer.type !== 'detections') return;
      draw(panel.pad.overlay, answer.detections, model.classNames);
      list.dataset.detections = JSON.stringify(answer.detections);
      list.dataset.scoreThreshold = String(scoreThreshold());
      list.dataset.topK = String(TOP_K);
      list.replaceChildren(
        ...answer.detections.map((d) => {
          const item = document.createElement('li');
          item.style.setProperty('--box-color', rgb(d.label));
          const { x1, y1, x2, y2 } = d.box;
          item.textContent = `${model.classNames[d.label] ?? d.label}  ${(100 * d.score).toFixed(0)}%  [${x1.toFixed(0)}, ${y1.toFixed(0)}, ${x2.toFixed(0)}, ${y2.toFixed(0)}]`;
          return item;
        }),
      );
    },
    reset: () => {
      const { overlay } = panel.pad;
      overlay.getContext('2d')?.clearRect(0, 0, overlay.width, overlay.height);
      list.replaceChildren();
      delete list.dataset.detections;
    },
  });
  panel.side.append(list);
  threshold.addEventListener('change', () => panel.changed());
  return panel;
}

/** Boxes with their class name and score, on the overlay (model pixels times the scale). */
function draw(overlay: HTMLCanvasElement, detections: PanelDetection[], names: string[]): void {
  const c = overlay.getContext('2d');
  if (c === null) return;
  c.clearRect(0, 0, overlay.width, overlay.height);
  c.font = '600 13px system-ui, sans-serif';
  c.lineWidth = 2;
  // Weakest first, so the best boxes are on top.
  for (const d of [...detections].reverse()) {
    const color = rgb(d.label);
    const [x, y] = [d.box.x1 * SCALE, d.box.y1 * SCALE];
    const [w, h] = [(d.box.x2 - d.box.x1) * SCALE, (d.box.y2 - d.box.y1) * SCALE];
    c.strokeStyle = color;
    c.strokeRect(x, y, w, h);
    const text = `${names[d.label] ?? d.label} ${d.score.toFixed(2)}`;
    const width = c.measureText(text).width + 6;
    const top = y >= 16 ? y - 16 : y;
    c.fillStyle = color;
    c.fillRect(x - 1, top, width, 16);
    c.fillStyle = '#fff';
    c.fillText(text, x + 2, top + 12);
  }
}
