/**
 * `convnet summary --out`: the architecture picture as SVG or PNG (by the extension), beside the
 * table it prints as before; another extension is an error naming the file. Run in-process
 * through createProgram (the spawned CLI is covered by cli.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodePng } from '../../src/viz/png.js';
import { tempDir } from '../viz/helpers.js';
import { runConvnet } from './run-convnet.js';

const convnet = (args: string[]): Promise<string> => runConvnet(...args);

describe('convnet summary --out', () => {
  const dir = tempDir('convnet-summary-');

  it('writes the SVG and still prints the table', async () => {
    const file = join(dir, 'nested', 'net.svg');
    const printed = await convnet(['summary', '--model', 'seed-net', '--out', file]);
    assert.match(printed, /^seed-net\n/);
    assert.match(printed, /Total params: 421,642/);
    assert.match(printed, /architecture: .*net\.svg \(\d+ bytes\)/);
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, />seed-net<\/text>/);
    assert.equal((svg.match(/<g class="box"/g) ?? []).length, 8);
  });

  it('writes a PNG of a preset at another input size', async () => {
    const file = join(dir, 'lenet.png');
    await convnet(['summary', '--model', 'lenet5', '--image-size', '32', '--out', file]);
    const image = decodePng(readFileSync(file));
    assert.ok(image.width > 600 && image.height > 300, `${image.width}x${image.height}`);
  });

  it('refuses another extension before doing anything', async () => {
    await assert.rejects(
      convnet(['summary', '--out', join(dir, 'net.jpg')]),
      /--out .*net\.jpg: the picture is written as \.svg or \.png/,
    );
  });
});
