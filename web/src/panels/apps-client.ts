/**
 * The page's side of the application panels' worker (apps-worker.ts): started the first time a
 * panel needs it (a model file opened, Train here), not with the page, so the classification
 * worker starts alone. Panels listen to every message and keep those for their app.
 */
import type { AppName, FromAppsWorker, ToAppsWorker } from '../apps-protocol.js';

type Listener = (message: FromAppsWorker) => void;

const listeners = new Set<Listener>();
let worker: Worker | null = null;

function started(): Worker {
  if (worker !== null) return worker;
  const created = new Worker(new URL('../apps-worker.ts', import.meta.url), { type: 'module' });
  created.addEventListener('message', (event: MessageEvent<FromAppsWorker>) => {
    for (const listener of listeners) listener(event.data);
  });
  created.addEventListener('error', (event) => {
    for (const app of ['detection', 'segmentation'] as AppName[]) {
      const message: FromAppsWorker = {
        type: 'error',
        app,
        message: `application worker: ${event.message}`,
      };
      for (const listener of listeners) listener(message);
    }
  });
  worker = created;
  return created;
}

/** Whether the worker runs (a panel sends drawings only once it has a model, so only then). */
export function appsWorkerStarted(): boolean {
  return worker !== null;
}

export function sendToApps(message: ToAppsWorker, transfer: Transferable[] = []): void {
  started().postMessage(message, transfer);
}

export function onAppsMessage(listener: Listener): void {
  listeners.add(listener);
}
