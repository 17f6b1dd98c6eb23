import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CurveRecord } from '../../src/viz/charts.js';
import { decodePng } from '../../src/viz/png.js';
import { REPORT_FILES, settingsTableHtml, writeTrainingReport } from '../../src/viz/report.js';
import { tempDir } from './helpers.js';

const history: CurveRecord[] = [1, 2, 3].map((epoch) => ({
  epoch,
  trainLoss: 1 / epoch,
  testLoss: 1.2 / epoch,
  trainAccuracy: 1 - 0.3 / epoch,
  testAccuracy: 1 - 0.35 / epoch,
}));

describe('writeTrainingReport', () => {
  it('writes the charts and a self-contained page with them inlined', async () => {
    const dir = join(tempDir(), 'run');
    const files = await writeTrainingReport({
      outDir: dir,
      title: 'MNIST <run>',
      history,
      confusion: {
        counts: [
          [9, 1],
          [2, 8],
        ],
        classNames: ['odd', 'even'],
      },
      settings: {
        model: 'seed-net',
        lr: 0.001,
        augment: false,
        limitTrain: null,
        imageSize: [28, 28],
        note: '<script>alert(1)</script>',
        optimizer: { name: 'adam', betas: [0.9, 0.999] },
      },
      scale: 1,
    });
    assert.deepEqual(
      files.map((f) => f.path),
      [REPORT_FILES.curves, REPORT_FILES.confusion, REPORT_FILES.html].map((name) =>
        join(dir, name),
      ),
    );
    assert.deepEqual(
      readdirSync(dir).sort(),
      Object.values(REPORT_FILES).sort(),
      'no temp files left',
    );
    for (const file of files) assert.equal(readFileSync(file.path).byteLength, file.bytes);

    const html = readFileSync(join(dir, REPORT_FILES.html), 'utf8');
    const inlined = [
      ...html.matchAll(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)" width="(\d+)"/g),
    ].map((m) => Buffer.from(m[1], 'base64'));
    assert.equal(inlined.length, 2);
    assert.deepEqual(inlined[0], readFileSync(join(dir, REPORT_FILES.curves)));
    assert.deepEqual(inlined[1], readFileSync(join(dir, REPORT_FILES.confusion)));
    assert.equal(decodePng(inlined[0]).width, 800);
    assert.match(html, /base64,[A-Za-z0-9+/=]+" width="800" alt="Loss and accuracy/);

    // Nothing external: no scripts, no style sheets, no remote sources.
    assert.doesNotMatch(html, /<script|<link|\b(src|href)="(https?:)?\/\//i);
    assert.match(html, /<title>MNIST &lt;run&gt;<\/title>/);
    assert.match(html, /<tr><th>model<\/th><td>seed-net<\/td><\/tr>/);
    assert.match(html, /<tr><th>lr<\/th><td>0\.001<\/td><\/tr>/);
    assert.match(html, /<tr><th>augment<\/th><td>no<\/td><\/tr>/);
    assert.match(html, /<tr><th>limitTrain<\/th><td><span class="none">none<\/span><\/td><\/tr>/);
    assert.match(html, /<tr><th>imageSize<\/th><td>28, 28<\/td><\/tr>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(
      html,
      /<tr><th>optimizer<\/th><td><table class="settings">\n<tr><th>name<\/th><td>adam<\/td><\/tr>/,
    );
    assert.match(html, /After epoch 3: test accuracy 88\.33%/);
    assert.match(
      html,
      /<tr><td>2<\/td><td>0\.5000<\/td><td>85\.00%<\/td><td>0\.6000<\/td><td>82\.50%<\/td><\/tr>/,
    );
  });

  it('leaves the confusion matrix out when there is none', async () => {
    const dir = tempDir();
    const files = await writeTrainingReport({
      outDir: dir,
      history,
      confusion: null,
      settings: {},
      scale: 1,
    });
    assert.deepEqual(
      files.map((f) => f.path),
      [join(dir, REPORT_FILES.curves), join(dir, REPORT_FILES.html)],
    );
    const html = readFileSync(join(dir, REPORT_FILES.html), 'utf8');
    assert.match(html, /No confusion matrix/);
    assert.match(html, /no settings/);
  });
});

describe('settingsTableHtml', () => {
  it('renders one row per key', () => {
    assert.equal(
      settingsTableHtml({ epochs: 5, big: 1234567 }),
      '<table class="settings">\n<tr><th>epochs</th><td>5</td></tr>\n<tr><th>big</th><td>1,234,567</td></tr>\n</table>',
    );
  });
});
