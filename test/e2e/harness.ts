/**
 * What every end-to-end file shares (test/e2e/*.e2e.ts, run by `npm run test:e2e`): Debian's
 * Chromium and the reason to skip without it, building the playground with Vite, serving it
 * with `vite preview` (COOP/COEP on or off), and drawing strokes with the mouse.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

/** Debian's Chromium; CONVNET_CHROMIUM names another binary. */
export const CHROMIUM = process.env.CONVNET_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WEB_CONFIG = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));
/** Screenshots go here (ignored by git). */
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

/**
 * Why the e2e files skip (Chromium missing), or null when they run. With CI=true a missing
 * Chromium is an error instead: CI installs it.
 */
export function chromiumMissing(suite: string): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `${CHROMIUM} is missing (install it with: apt-get update && apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`${suite} e2e: ${reason}`);
  console.log(`${suite} e2e skipped: ${reason}`);
  return reason;
}

/** Builds the playground into outDir. */
export async function buildPlayground(outDir: string): Promise<void> {
  await build({ configFile: WEB_CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

export interface Served {
  server: PreviewServer;
  url: string;
}

/** Serves a built playground; isolated = with COOP/COEP (shared memory, threads). */
export async function serve(outDir: string, isolated: boolean): Promise<Served> {
  // The config reads PLAYGROUND_ISOLATION when it is loaded, once per server.
  if (isolated) delete process.env.PLAYGROUND_ISOLATION;
  else process.env.PLAYGROUND_ISOLATION = 'off';
  try {
    const server = await preview({
      configFile: WEB_CONFIG,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, open: false },
    });
    const url = server.resolvedUrls?.local[0];
    if (url === undefined) throw new Error('vite preview gave no local address');
    return { server, url };
  } finally {
    delete process.env.PLAYGROUND_ISOLATION;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A new page whose uncaught errors and console errors are printed with the test's output. */
export async function newPage(
  browser: Browser,
  viewport = { width: 1400, height: 1000 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`page console: ${message.text()}`);
  });
  return page;
}

/** Draws a polyline on a canvas (selector); points are fractions of its width and height. */
export async function drawStroke(
  page: Page,
  points: [number, number][],
  selector = '#draw-pad',
): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box !== null, `${selector} is not visible`);
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 15 });
  await page.mouse.up();
}
