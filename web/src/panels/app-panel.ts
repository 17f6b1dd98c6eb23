/**
 * What the detection and segmentation panels share: a wide drawing pad, "Open model file",
 * "Train here" / "Stop", "Save model", "Clear", the model's name, the training progress and errors, and the
 * loop that sends the drawing to the worker, one request at a time, and again when the drawing
 * changed meanwhile (like the digit pad's predictions), debounced by DEBOUNCE_MS.
 *
 * For tests and for the curious, the panel's element carries what it sent and what came back:
 * data-model ('none', 'file', 'here'), data-input (the model pixels sent, as base64 8-bit levels),
 * data-input-version, data-answer-version, data-pending, data-step (training steps done).
 */
import type {
  AppModelInfo,
  AppName,
  AppProgress,
  FromAppsWorker,
  ToAppsWorker,
} from '../apps-protocol.js';
import { onAppsMessage, sendToApps } from './apps-client.js';
import { WidePad, type ModelPixels } from './wide-pad.js';
import './app-panels.css';

const DEBOUNCE_MS = 40;

export interface AppPanelOptions {
  app: AppName;
  title: string;
  /** A sentence under the title. */
  intro: string;
  /** The pad's size in model pixels and its zoom on screen. */
  size: readonly [number, number];
  scale: number;
  /** Controls beside the buttons (e.g. the detector's score threshold). */
  extraControls?: HTMLElement[];
  /** Builds the 'run' message for a drawing. */
  request: (id: number, input: ModelPixels) => ToAppsWorker;
  /** Draws an answer ('detections' or 'mask') on the overlay and in the side list. */
  show: (answer: FromAppsWorker, model: AppModelInfo) => void;
  /** Clears the overlay and the side list (nothing drawn, or a new model). */
  reset: (model: AppModelInfo | null) => void;
}

function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

/** Bytes as base64 (btoa takes a binary string). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Offers bytes as a file download. */
function download(fileName: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(
    new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }),
  );
  const link = make('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class AppPanel {
  readonly section: HTMLElement;
  readonly pad: WidePad;
  /** The list beside the pad (boxes, or the legend). */
  readonly side: HTMLElement;
  private readonly options: AppPanelOptions;
  private readonly status: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly error: HTMLElement;
  private readonly trainButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly saveButton: HTMLButtonElement;
  private model: AppModelInfo | null = null;
  private version = 0;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(section: HTMLElement, options: AppPanelOptions) {
    this.section = section;
    this.options = options;
    const { app } = options;
    const fileInput = make('input', { type: 'file', accept: '.safetensors', id: `${app}-open` });
    const openLabel = make('label', { className: 'file-button', textContent: 'Open model file…' });
    openLabel.append(fileInput);
    this.trainButton = make('button', { id: `${app}-train`, textContent: 'Train here' });
    this.stopButton = make('button', { id: `${app}-stop`, textContent: 'Stop', disabled: true });
    const clear = make('button', { id: `${app}-clear`, textContent: 'Clear' });
    this.saveButton = make('button', {
      id: `${app}-save`,
      textContent: 'Save model',
      disabled: true,
    });
    const controls = make('div', { className: 'controls' });
    controls.append(
      openLabel,
      this.trainButton,
      this.stopButton,
      this.saveButton,
      clear,
      ...(options.extraControls ?? []),
    );
    this.status = make('p', { className: 'note', id: `${app}-status` });
    this.progress = make('p', { className: 'note app-progress', id: `${app}-progress` });
    this.error = make('p', { className: 'error', id: `${app}-error`, hidden: true });
    this.error.setAttribute('role', 'alert');
    const body = make('div', { className: 'app-body' });
    this.side = make('div', { className: 'app-side', id: `${app}-results` });
    section.replaceChildren(
      make('h2', { textContent: options.title }),
      make('p', { className: 'note', textContent: options.intro }),
      controls,
      this.status,
      this.progress,
      this.error,
      body,
    );
    this.pad = new WidePad(body, `${app}-pad`, options.size, options.scale, () => this.changed());
    body.append(this.side);
    section.dataset.model = 'none';
    section.dataset.pending = 'false';
    this.status.textContent =
      'No model yet: open a model file, or press Train here to train a small one in this page.';

    fileInput.addEventListener('change', async () => {
      const file = fileInput.files?.[0];
      if (file === undefined) return;
      this.showError('');
      const bytes = new Uint8Array(await file.arrayBuffer());
      this.status.textContent = `Opening ${file.name}…`;
      sendToApps({ type: 'open', app, name: file.name, bytes }, [bytes.buffer]);
      fileInput.value = '';
    });
    this.trainButton.addEventListener('click', () => {
      this.showError('');
      this.setTraining(true);
      this.progress.textContent = 'starting…';
      sendToApps({ type: 'train', app });
    });
    this.stopButton.addEventListener('click', () => sendToApps({ type: 'stop', app }));
    this.saveButton.addEventListener('click', () => sendToApps({ type: 'save', app }));
    clear.addEventListener('click', () => this.pad.clear());
    onAppsMessage((message) => this.receive(message));
  }

  /** The drawing or a setting changed: send it again (debounced). */
  changed(): void {
    this.version++;
    this.section.dataset.pending = 'true';
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.send();
      }, DEBOUNCE_MS);
    }
  }

  private send(): void {
    if (this.inFlight) return;
    const input = this.pad.modelPixels();
    const version = this.version;
    if (input.empty || this.model === null) {
      this.options.reset(this.model);
      delete this.section.dataset.input;
      this.section.dataset.pending = 'false';
      return;
    }
    this.section.dataset.input = toBase64(input.levels);
    this.section.dataset.inputVersion = String(version);
    this.inFlight = true;
    const message = this.options.request(version, input);
    sendToApps(message, [input.pixels.buffer]);
  }

  private setTraining(training: boolean): void {
    this.trainButton.disabled = training;
    this.stopButton.disabled = !training;
    this.section.dataset.training = String(training);
  }

  private showError(message: string): void {
    this.error.textContent = message;
    this.error.hidden = message === '';
  }

  private showProgress(p: AppProgress): void {
    const rate = p.running ? ` · ${Math.round(p.scenesPerSecond)} scenes/s` : '';
    const loss = Number.isFinite(p.loss) ? ` · loss ${p.loss.toFixed(4)}` : '';
    this.progress.textContent = `step ${p.step.toLocaleString('en')} · ${p.scenes.toLocaleString('en')} scenes${loss}${rate}${p.running ? '' : ' · stopped'}`;
    this.section.dataset.step = String(p.step);
    if (!p.running) this.setTraining(false);
  }

  private receive(message: FromAppsWorker): void {
    const { app } = this.options;
    switch (message.type) {
      case 'ready':
        return;
      case 'detections':
      case 'mask':
        return this.answered(message);
      default:
        if (message.app !== app) return;
    }
    switch (message.type) {
      case 'model':
        this.model = message.model;
        this.section.dataset.model = message.model.origin;
        this.status.textContent = `Model: ${message.model.description}`;
        this.status.dataset.description = message.model.description;
        this.trainButton.textContent = message.model.origin === 'here' ? 'Resume' : 'Train here';
        this.saveButton.disabled = false;
        if (message.model.origin === 'file') {
          this.progress.textContent = '';
          delete this.section.dataset.step;
        }
        this.options.reset(this.model);
        this.changed();
        return;
      case 'progress':
        return this.showProgress(message.progress);
      case 'saved':
        return download(message.fileName, message.bytes);
      case 'preparing':
        this.progress.textContent = message.what;
        return;
      case 'error':
        this.inFlight = false;
        this.setTraining(false);
        this.status.textContent =
          this.model === null
            ? 'No model yet: open a model file, or press Train here.'
            : `Model: ${this.model.description}`;
        this.showError(message.message);
        return;
    }
  }

  /** An answer for version `id` (the worker also answers again after training steps). */
  private answered(message: Extract<FromAppsWorker, { type: 'detections' | 'mask' }>): void {
    const mine =
      (message.type === 'detections') === (this.options.app === 'detection') &&
      String(message.id) === this.section.dataset.inputVersion;
    if (!mine || this.model === null) return;
    this.inFlight = false;
    this.options.show(message, this.model);
    this.section.dataset.answerVersion = String(message.id);
    if (message.id !== this.version) this.send();
    else this.section.dataset.pending = String(this.timer !== null);
  }
}
