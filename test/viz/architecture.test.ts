/**
 * The architecture picture: which boxes (folding), their labels and kinds for seed-net, the
 * scales (H, W linear; thickness sqrt(C)), skips drawn as arcs that clear what they pass, heads
 * in lanes of their own, nothing overlapping, a well-formed SVG, and the PNG through resvg.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Add } from '../../src/nn/add.js';
import { BatchNorm2d } from '../../src/nn/batch-norm2d.js';
import { Concat } from '../../src/nn/concat.js';
import { ConvTranspose2d } from '../../src/nn/conv-transpose2d.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Flatten } from '../../src/nn/flatten.js';
import { GlobalAvgPool2d } from '../../src/nn/global-avg-pool2d.js';
import { GraphBuilder, graphFromSequential } from '../../src/nn/graph/graph-builder.js';
import type { Graph } from '../../src/nn/graph/graph.js';
import { Linear } from '../../src/nn/linear.js';
import { MaxPool2d } from '../../src/nn/max-pool2d.js';
import { fashionNet, seedNet } from '../../src/nn/presets.js';
import { ReLU } from '../../src/nn/relu.js';
import { Upsample } from '../../src/nn/upsample.js';
import { graphBoxes } from '../../src/viz/architecture-boxes.js';
import { labelRect, silhouette, type Rect } from '../../src/viz/architecture-layout.js';
import { architecturePng } from '../../src/viz/architecture-png.js';
import { architectureSvg, layoutArchitecture } from '../../src/viz/architecture.js';
import { decodePng } from '../../src/viz/png.js';

/** A small U-Net: two encoder levels, ConvTranspose2d and Upsample back, Concat skips. */
function smallUNet(): Graph {
  const b = new GraphBuilder();
  const x = b.input('image', [1, 28, 28]);
  const conv = (name: string, from: number, to: number, input: ReturnType<typeof b.input>) =>
    b.layer(
      `${name}.relu`,
      new ReLU(),
      b.layer(`${name}.conv`, new Conv2d(from, to, 3, { padding: 1 }), input),
    );
  const e1 = conv('enc1', 1, 8, x);
  const e2 = conv('enc2', 8, 16, b.layer('pool1', new MaxPool2d(2), e1));
  const mid = conv('mid', 16, 32, b.layer('pool2', new MaxPool2d(2), e2));
  const up2 = b.layer('up2', new ConvTranspose2d(32, 16, 2, { stride: 2 }), mid);
  const d2 = conv('dec2', 32, 16, b.layer('cat2', new Concat(), up2, e2));
  const up1 = b.layer('up1', new Upsample({ scaleFactor: 2 }), d2);
  const d1 = conv('dec1', 24, 8, b.layer('cat1', new Concat(), up1, e1));
  return b.build(b.layer('head', new Conv2d(8, 2, 1), d1));
}

/** A residual block (Add) with a projection shortcut, a Concat skip, and two heads. */
function residualWithHeads(): Graph {
  const b = new GraphBuilder();
  const x = b.input('image', [3, 16, 16]);
  const stem = b.layer('stem', new Conv2d(3, 8, 3, { padding: 1 }), x);
  const bn = b.layer('bn', new BatchNorm2d(8), stem);
  const c1 = b.layer('c1', new Conv2d(8, 8, 3, { padding: 1 }), b.layer('r0', new ReLU(), bn));
  const c2 = b.layer('c2', new Conv2d(8, 8, 3, { padding: 1 }), b.layer('r1', new ReLU(), c1));
  const sum = b.layer('sum', new Add(), c2, stem);
  const c3 = b.layer('c3', new Conv2d(8, 8, 3, { padding: 1 }), sum);
  const cat = b.layer('cat', new Concat(), c3, stem);
  const flat = b.layer('flat', new Flatten(), b.layer('gap', new GlobalAvgPool2d(), cat));
  return b.build(
    b.layer('classes', new Linear(16, 10), flat),
    b.layer('box', new Linear(16, 4), flat),
  );
}

/** Checks XML well-formedness as far as this SVG needs: tags nest, attributes are quoted,
 * text holds no '<' and only the five entities or numeric ones. Returns the root's name. */
function checkWellFormed(xml: string): string {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const stack: string[] = [];
  let root = '';
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    assert.doesNotMatch(
      text,
      /&(?!(amp|lt|gt|quot|#\d+);)/,
      `a bare '&' in ${JSON.stringify(text)}`,
    );
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    assert.ok(m !== null, `not a tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, close, name, , selfClose] = m;
    if (close === '/') {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element at ${lt}`);
    } else {
      if (stack.length === 0) {
        assert.equal(root, '', 'one root element');
        root = name;
      }
      if (selfClose !== '/') stack.push(name);
    }
    i = lt + m[0].length;
  }
  assert.deepEqual(stack, [], 'every element is closed');
  return root;
}

interface SvgBox {
  attrs: Record<string, string>;
  texts: Record<string, string>;
  svg: string;
}

function svgBoxes(svg: string): SvgBox[] {
  return [...svg.matchAll(/<g class="box"([^>]*)>(.*?)<\/g><\/g>/gs)].map((m) => ({
    attrs: Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
    texts: Object.fromEntries(
      [...m[2].matchAll(/<text class="(\w+)"[^>]*>([^<]*)<\/text>/g)].map((t) => [t[1], t[2]]),
    ),
    svg: m[2],
  }));
}

const overlaps = (a: Rect, b: Rect): boolean =>
  a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

describe('architectureSvg', () => {
  const seed = graphFromSequential(seedNet(), [1, 28, 28]);

  it('draws seed-net as one box per input and non-folded node, labelled with type and shape', () => {
    const svg = architectureSvg(seed, { title: 'seed-net' });
    assert.equal(checkWellFormed(svg), 'svg');
    const boxes = svgBoxes(svg);
    assert.deepEqual(
      boxes.map((b) => [b.texts.op, b.texts.folded ?? '', b.texts.shape, b.attrs['data-kind']]),
      [
        ['Input', '', '1x28x28', 'volume'],
        ['Conv2d 3x3', '+ReLU', '32x28x28', 'volume'],
        ['MaxPool2d 2x2', '', '32x14x14', 'volume'],
        ['Conv2d 3x3', '+ReLU', '64x14x14', 'volume'],
        ['MaxPool2d 2x2', '', '64x7x7', 'volume'],
        ['Flatten', '', '3136', 'bar'],
        ['Linear', '+ReLU', '128', 'bar'],
        ['Linear', '', '10', 'bar'],
      ],
    );
    assert.deepEqual(
      boxes.map((b) => b.attrs['data-nodes']),
      [
        'input',
        'features.0 features.1',
        'features.2',
        'features.3 features.4',
        'features.5',
        'classifier.0',
        'classifier.1 classifier.2',
        'classifier.3',
      ],
    );
    // A volume has three faces (front, top, side); a flat output is one rectangle.
    assert.equal((boxes[1].svg.match(/<polygon/g) ?? []).length, 3);
    assert.equal((boxes[6].svg.match(/<polygon/g) ?? []).length, 0);
    assert.equal((boxes[6].svg.match(/<rect/g) ?? []).length, 1);
    // A chain: one arrow per box after the first, no skips, and no names by default.
    assert.equal((svg.match(/class="edge straight"/g) ?? []).length, 7);
    assert.doesNotMatch(svg, /class="edge skip"|class="name"/);
    assert.match(svg, /<text class="title"[^>]*>seed-net<\/text>/);
    assert.match(svg, /ReLU folded into the box before/);
  });

  it('draws every node when folding is off', () => {
    const boxes = svgBoxes(architectureSvg(seed, { fold: false }));
    assert.equal(boxes.length, 1 + seed.nodes().length);
    assert.deepEqual(
      boxes.slice(1, 3).map((b) => b.texts.op),
      ['Conv2d 3x3', 'ReLU'],
    );
  });

  it('sizes boxes by H and W (linear) and thickness by sqrt(C)', () => {
    const layout = layoutArchitecture(graphBoxes(seed));
    const [, conv1, pool1, conv2] = layout.boxes;
    assert.equal(layout.scales.spatial, 'linear');
    assert.ok(Math.abs(conv1.height / pool1.height - 2) < 1e-9, 'H 28 vs 14');
    assert.ok(Math.abs(conv1.depth / pool1.depth - 2) < 1e-9, 'W 28 vs 14');
    assert.ok(Math.abs(conv2.thickness / conv1.thickness - Math.SQRT2) < 1e-9, 'C 64 vs 32');
    assert.equal(pool1.thickness, conv1.thickness, 'same C, same thickness');
    const bars = layout.boxes.filter((b) => b.extent.kind === 'bar');
    assert.ok(bars.every((b) => b.depth === 0 && b.thickness < conv1.thickness));
    assert.ok(Math.abs(bars[1].height / bars[2].height - Math.sqrt(128 / 10)) < 1e-9);
  });

  it('draws skips as arcs over what they pass, for an Add and a Concat, and heads in lanes', () => {
    const graph = residualWithHeads();
    const svg = architectureSvg(graph);
    checkWellFormed(svg);
    const boxes = svgBoxes(svg);
    const id = (name: string) => boxes.findIndex((b) => b.attrs['data-name'] === name);
    const skips = [...svg.matchAll(/class="edge skip" data-from="(\d+)" data-to="(\d+)"/g)].map(
      (m) => [Number(m[1]), Number(m[2])],
    );
    assert.deepEqual(
      skips.sort(),
      [
        [id('stem'), id('cat')],
        [id('stem'), id('sum')],
      ].sort(),
    );
    // stem feeds three nodes, so the BatchNorm2d after it is a box of its own (with r0 folded).
    assert.deepEqual(boxes[id('bn')].texts.folded, '+ReLU');
    assert.equal(boxes[id('stem')].texts.folded, undefined);
    assert.match(
      svg,
      /class="name"[^>]*>classes</,
      'names are shown for a graph that is not a chain',
    );

    const layout = layoutArchitecture(graphBoxes(graph), { names: true });
    for (const edge of layout.edges.filter((e) => e.kind === 'skip')) {
      const [sx, sy, , c, ex, , , ey] = (edge.d.match(/-?[\d.]+/g) ?? []).map(Number);
      const a = layout.boxes[edge.from];
      const b = layout.boxes[edge.to];
      const between = layout.boxes.filter((o) => o.column > a.column && o.column < b.column);
      assert.ok(between.length > 0);
      for (let t = 0; t <= 1; t += 1 / 128) {
        const x = sx + (ex - sx) * (3 * t * t - 2 * t ** 3);
        const y = sy * (1 - t) ** 3 + 3 * c * (1 - t) * t + ey * t ** 3;
        for (const o of between) {
          const r = silhouette(o);
          if (x >= r.x0 && x <= r.x1)
            assert.ok(y < r.y0, `skip ${a.name}->${b.name} clears ${o.name}`);
        }
      }
    }
    const heads = layout.boxes.filter((b) => b.output);
    assert.deepEqual(
      heads.map((b) => b.name),
      ['classes', 'box'],
    );
    assert.equal(heads[0].column, heads[1].column);
    assert.notEqual(heads[0].lane, heads[1].lane);
  });

  for (const [name, graph] of [
    ['seed-net', seed],
    ['fashion-net', graphFromSequential(fashionNet(), [1, 28, 28])],
    ['a small U-Net', smallUNet()],
    ['a residual graph with two heads', residualWithHeads()],
  ] as const) {
    it(`overlaps nothing: ${name}`, () => {
      const { boxes } = layoutArchitecture(graphBoxes(graph), { names: true });
      const rects = boxes.flatMap((b) => [
        { what: `${b.name} box`, r: silhouette(b) },
        { what: `${b.name} label`, r: labelRect(b) },
      ]);
      for (let i = 0; i < rects.length; i++) {
        for (let j = i + 1; j < rects.length; j++) {
          assert.ok(
            !overlaps(rects[i].r, rects[j].r),
            `${rects[i].what} overlaps ${rects[j].what}`,
          );
        }
      }
    });
  }

  it('draws the U-Net with a skip per Concat, and ConvTranspose2d and Upsample boxes', () => {
    const svg = architectureSvg(smallUNet());
    checkWellFormed(svg);
    const boxes = svgBoxes(svg);
    assert.equal((svg.match(/class="edge skip"/g) ?? []).length, 2);
    const up = boxes.filter((b) => ['ConvTranspose2d', 'Upsample'].includes(b.attrs['data-op']));
    assert.deepEqual(
      up.map((b) => [b.texts.op, b.texts.detail ?? '', b.texts.shape]),
      [
        ['ConvTranspose2d', '2x2 s2', '16x14x14'],
        ['Upsample x2', '', '16x28x28'],
      ],
    );
  });
});

describe('architecturePng', () => {
  it('renders the SVG at the scale asked, through resvg', async () => {
    const graph = graphFromSequential(seedNet(), [1, 28, 28]);
    const svg = architectureSvg(graph);
    const [, width, height] = (svg.match(/width="(\d+)" height="(\d+)"/) ?? []).map(Number);
    const image = decodePng(await architecturePng(graph, { scale: 1.5 }));
    assert.equal(image.width, Math.round(width * 1.5));
    assert.equal(image.height, Math.round(height * 1.5));
    const dark = image.data.filter((v, i) => i % 4 === 0 && v < 80).length;
    assert.ok(dark > 500, 'text and arrows are drawn');
  });
});
