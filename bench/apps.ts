/**
 * `npm run bench:apps`: the detector of issue 13 and the segmenter of issue 14 on our fast
 * backend and on PyTorch in the same run, and the segmenter's decoder kernels against the
 * reference loops (bench/README.md, "The applications").
 *
 *   npm run bench:apps [-- --quick] [--only detector,segmenter,kernels] [--batch 32] [--no-torch]
 *
 * Ours runs on all cores (the backend's default); PyTorch (scripts/torch-apps-bench.py, Debian's
 * /usr/bin/python3) with torch.set_num_threads at the same count, on the same data, timed the
 * same way. Where torch does not import, its lines are left out with the reason printed.
 * The issues' targets are printed under the tables as `met` or `MISSED`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setBackend } from '../src/kernels/backend.js';
import { createWasmBackend } from '../src/kernels/wasm/index.js';
import { UNET, detectorWorkloads, segmenterWorkloads, type AppWorkload } from './apps-workloads.js';
import { kernelSides } from './kernel-speedups.js';
import { formatImagesPerSecond, formatMs, formatTable } from './report.js';
import { measure, summarize, type Timing, type TimingOptions } from './timing.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'detector,segmenter,kernels' },
    batch: { type: 'string', default: '32' },
    'no-torch': { type: 'boolean', default: false },
  },
});
const only = new Set(values.only.split(','));
const batch = Number(values.batch);
if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`--batch: got ${values.batch}`);
/** Steps take seconds on 2 shared cores: a few samples each, never time-boxed to one. */
const timing: TimingOptions = values.quick
  ? {
      warmupRuns: 1,
      minSamples: 3,
      minSeconds: 0.5,
      maxSeconds: 4,
      maxSamples: 200,
      slowRunSeconds: 60,
    }
  : {
      warmupRuns: 2,
      minSamples: 7,
      minSeconds: 2,
      maxSeconds: 10,
      maxSamples: 500,
      slowRunSeconds: 60,
    };

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
const backend = await createWasmBackend();
setBackend(backend);
const threads = backend.path.threads;
console.log(`applications (issues 13, 14): ${backend.path.description}; load average ${load()}`);

const dir = mkdtempSync(join(tmpdir(), 'bench-apps-'));
const ours: AppWorkload[] = [];
const meta: Record<string, unknown> = { numClasses: 10, unet: UNET };
if (only.has('detector')) {
  ours.push(...detectorWorkloads(backend, batch, dir));
  meta.detector = [batch, 1, 96, 96];
}
if (only.has('segmenter')) {
  const segmenter = segmenterWorkloads(backend, batch, dir);
  ours.push(...segmenter.workloads);
  meta.segmenter = segmenter.shape;
  meta.segmentClasses = segmenter.classes;
}
writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));

/** PyTorch's samples by workload name, or the reason there are none. */
function runTorch(): { version: string; samples: Record<string, number[]> } | string {
  const torchOnly = ['detector', 'segmenter'].filter((w) => only.has(w));
  if (values['no-torch']) return 'left out (--no-torch)';
  if (torchOnly.length === 0) return 'no application workload asked for';
  const python = '/usr/bin/python3';
  const script = join(import.meta.dirname, '..', 'scripts', 'torch-apps-bench.py');
  const args = [script, dir, '--threads', String(threads), '--only', torchOnly.join(',')];
  args.push('--warmup', String(timing.warmupRuns), '--min-samples', String(timing.minSamples));
  args.push('--min-seconds', String(timing.minSeconds), '--max-seconds', String(timing.maxSeconds));
  const result = spawnSync(python, args, { encoding: 'utf8', timeout: 600_000 });
  if (result.error !== undefined) return `${python} did not run: ${result.error.message}`;
  if (result.status !== 0) {
    const last = result.stderr.trim().split('\n').at(-1) ?? '';
    return `${python} ${script} failed (${last || `exit ${result.status}`})`;
  }
  const parsed = JSON.parse(result.stdout) as {
    torch: string;
    workloads: Record<string, number[]>;
  };
  return { version: parsed.torch, samples: parsed.workloads };
}

const rows: string[][] = [];
const medians = new Map<string, number>();
const addRow = (name: string, who: string, images: number, t: Timing): void => {
  const ips = (ms: number) => formatImagesPerSecond((1000 * images) / ms);
  medians.set(`${name}|${who}`, t.medianMs);
  rows.push([
    name,
    who,
    String(threads),
    ips(t.medianMs),
    `${ips(t.maxMs)}-${ips(t.minMs)}`,
    formatMs(t.medianMs),
    `${formatMs(t.minMs)}-${formatMs(t.maxMs)}`,
    String(t.samplesMs.length),
  ]);
};
for (const w of ours) addRow(w.name, 'convnet-wasm', w.images, await measure(w.run, timing));
const torch = runTorch();
if (typeof torch === 'string') console.log(`PyTorch: ${torch}`);
else {
  for (const w of ours) {
    const samples = torch.samples[w.name];
    if (samples !== undefined)
      addRow(w.name, `pytorch ${torch.version}`, w.images, summarize(samples, [], false));
  }
}
rmSync(dir, { recursive: true, force: true });
const header = [
  'workload',
  'contestant',
  'thr',
  'images/s',
  'min-max images/s',
  'ms/run',
  'min-max ms',
  'n',
];
const align = ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'] as const;
rows.sort(
  (a, b) => ours.findIndex((w) => w.name === a[0]) - ours.findIndex((w) => w.name === b[0]),
);
if (rows.length > 0) console.log(formatTable(header, rows, align));

const ratio = (name: string): number | null => {
  const mine = medians.get(`${name}|convnet-wasm`);
  const theirs = [...medians].find(([k]) => k.startsWith(`${name}|pytorch`))?.[1];
  return mine === undefined || theirs === undefined ? null : theirs / mine;
};
for (const w of ours) {
  const r = ratio(w.name);
  if (r !== null) console.log(`${w.name}: convnet-wasm / PyTorch = ${r.toFixed(2)}x (images/s)`);
}

if (only.has('kernels')) {
  const kernelRows: string[][] = [];
  const speedups: number[] = [];
  for (const pair of kernelSides(backend, batch)) {
    const fast = await measure(pair.fast, timing);
    const reference = await measure(pair.reference, timing);
    if (pair.target) speedups.push(reference.medianMs / fast.medianMs);
    kernelRows.push([
      pair.name,
      `${formatMs(fast.medianMs)} (${formatMs(fast.minMs)}-${formatMs(fast.maxMs)})`,
      `${formatMs(reference.medianMs)} (${formatMs(reference.minMs)}-${formatMs(reference.maxMs)})`,
      `${(reference.medianMs / fast.medianMs).toFixed(1)}x`,
      `${(reference.minMs / fast.minMs).toFixed(1)}x`,
    ]);
  }
  const kernelHeader = [
    'kernel (fast vs the reference loops)',
    'ms fast',
    'ms reference',
    'speed-up',
    'of the minima',
  ];
  console.log(formatTable(kernelHeader, kernelRows, ['l', 'r', 'r', 'r', 'r']));
  const least = Math.min(...speedups);
  console.log(
    `target: each decoder kernel >= 10x its reference: least ${least.toFixed(1)}x, ${least >= 10 ? 'met' : 'MISSED'}`,
  );
}

const target = (label: string, name: string, limitMs: number): void => {
  const ms = medians.get(`${name}|convnet-wasm`);
  if (ms === undefined) return;
  console.log(
    `target: ${label} <= ${limitMs} ms on ${threads} threads: ${formatMs(ms)} ms, ${ms <= limitMs ? 'met' : 'MISSED'}`,
  );
};
target('detect one 96x96 scene', 'detect digit-detector b1', 5);
target('segment one 64x84 image', 'segment unet-lite b1', 5);
for (const name of [`train digit-detector b${batch}`, `train unet-lite b${batch}`]) {
  const r = ratio(name);
  if (r !== null)
    console.log(`target: ${name} >= 1.0x PyTorch: ${r.toFixed(2)}x, ${r >= 1 ? 'met' : 'MISSED'}`);
}
console.log(`load average at the end: ${load()}`);
backend.dispose();
