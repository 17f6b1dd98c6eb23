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

/**
 * Waits until the panels that fill in when the training worker first answers (the architecture
 * and the feature maps, about 1,400 px together) are drawn: until then the panels below them
 * move down the page, and a stroke drawn there would land beside its pad.
 */
export async function waitForFilledPanels(page: Page): Promise<void> {
  await page.waitForSelector('#architecture svg g.box', { timeout: 60_000 });
  await page.waitForSelector('#inspect-panel[data-model-id] #layers figure', { timeout: 60_000 });
}

type Box = { x: number; y: number; width: number; height: number };

const sameBox = (a: Box | null, b: Box | null) =>
  a !== null &&
  b !== null &&
  a.x === b.x &&
  a.y === b.y &&
  a.width === b.width &&
  a.height === b.height;

/** The element's box once it is in the viewport and has not moved for 100 ms. */
async function steadyBox(page: Page, selector: string): Promise<Box> {
  const element = page.locator(selector);
  await element.scrollIntoViewIfNeeded();
  let box = await element.boundingBox();
  for (let tries = 0; tries < 50; tries++) {
    await page.waitForTimeout(100);
    const next = await element.boundingBox();
    if (sameBox(box, next) && next !== null) {
      const viewport = page.viewportSize();
      assert.ok(
        viewport === null ||
          (next.y >= 0 && next.y + next.height <= viewport.height && next.x >= 0),
        `${selector} is not inside the viewport: ${JSON.stringify(next)}`,
      );
      return next;
    }
    box = next;
  }
  throw new Error(`${selector} kept moving for 5 s (last box ${JSON.stringify(box)})`);
}

/**
 * Draws a polyline on a canvas (selector); points are fractions of its width and height. The
 * canvas is scrolled into view and must stay where it was while the mouse draws: a layout that
 * moves under the mouse is an error here, not ink lost somewhere on the page.
 */
export async function drawStroke(
  page: Page,
  points: [number, number][],
  selector = '#draw-pad',
): Promise<void> {
  const box = await steadyBox(page, selector);
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 15 });
  await page.mouse.up();
  const after = await page.locator(selector).boundingBox();
  assert.ok(
    sameBox(box, after),
    `${selector} moved while the mouse drew on it (${JSON.stringify(box)} to ${JSON.stringify(after)}): the page's layout changed under the stroke`,
  );
}
