/**
 * `npm run bench`: every workload of issue 3 (kernels) and issue 5 (the seed net, trained and
 * run), for our backends and the peers, in one run. Prints aligned tables, the speed-up ratios
 * and the network targets, and writes bench/results/latest.json. Progress goes to stderr, so
 * `npm run bench > table.txt` keeps the tables only.
 *
 *   npm run bench -- [--quick] [--only sgemm,conv,pool,net,fit] [--contestants reference,tfjs-wasm]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { CONTESTANTS } from './contestants/index.js';
import { errorMessage, isUnsupported, type Contestant } from './contestants/contestant.js';
import type { Preparation } from './contestants/contestant.js';
import {
  imagesPerSecond,
  measurementTable,
  networkTable,
  ratios,
  ratioTable,
  type Ratio,
  type Row,
} from './report.js';
import { measureInSlices, SLICES, sliceTiming } from './slices.js';
import { checkTargets, formatTargets } from './targets.js';
import { FULL_TIMING, QUICK_TIMING, gflops, measure, timeOnce } from './timing.js';
import type { TimingOptions } from './timing.js';
import {
  allWorkloads,
  batchOf,
  describe,
  flopsOf,
  groupOf,
  imagesOf,
  labelOf,
  withBatch,
  type Workload,
  type WorkloadGroup,
} from './workloads.js';

const GROUPS: readonly WorkloadGroup[] = ['sgemm', 'conv', 'pool', 'net', 'fit'];

const HELP = `Usage: npm run bench -- [options]

  --quick                 fewer samples and tighter time limits (a few minutes)
  --only <groups>         comma-separated subset of: ${GROUPS.join(', ')}
  --contestants <names>   comma-separated subset of: ${CONTESTANTS.map((c) => c.name).join(', ')}
  --help                  this text

Writes bench/results/latest.json. See bench/README.md for what each line means.`;

export const CONVENTIONS = [
  'SGEMM: C(M,N) = A(M,K)·B(K,N), flops = 2*M*N*K',
  'conv forward: y = conv(x,w) + b, flops = 2*N*F*OH*OW*(C/groups)*KH*KW',
  'conv forward+backward: y, then dx, dw, db from a given dy; flops = 3 x forward (bias terms ignored)',
  'max pool forward+backward: y, then dx from a given dy; no flops, ms only',
  'GFLOPS at the median time; speed-up = other median / ours median (>1: ours faster)',
  'seed net train: one step = forward, mean softmax cross-entropy, backward, SGD update (lr 0.01) of every parameter; images/s = batch / step time',
  'seed net infer: forward in eval mode without a graph, logits in JS memory; images/s = batch / time',
  'fit step: a preset as fit trains it: next DataLoader batch, training step (forward, cross-entropy, backward, Adam lr 0.001); images/s = batch / step time',
  'network speed-up = other median / ours median = ours images/s / theirs (same batch)',
];

interface Limits {
  timing: TimingOptions;
  /** Skip a probed workload whose estimated single run exceeds this. */
  skipAboveSeconds: number;
  /**
   * The same for a network training step, allowed longer: it is measured once when that slow,
   * and it is the only figure for that library (tfjs-cpu takes about a minute per step).
   */
  skipTrainAboveSeconds: number;
}

const FULL: Limits = { timing: FULL_TIMING, skipAboveSeconds: 60, skipTrainAboveSeconds: 150 };
const QUICK: Limits = { timing: QUICK_TIMING, skipAboveSeconds: 8, skipTrainAboveSeconds: 8 };

interface Options {
  quick: boolean;
  groups: WorkloadGroup[];
  contestants: Contestant[];
}

function parseList(value: string | undefined, allowed: readonly string[], flag: string): string[] {
  if (value === undefined) return [...allowed];
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((s) => !allowed.includes(s));
  if (unknown.length > 0 || list.length === 0) {
    throw new Error(
      `${flag}: unknown ${unknown.join(', ') || '(empty)'}; choose from ${allowed.join(', ')}`,
    );
  }
  return list;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      contestants: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const groups = parseList(values.only, GROUPS, '--only');
  const names = parseList(
    values.contestants,
    CONTESTANTS.map((c) => c.name),
    '--contestants',
  );
  return {
    quick: values.quick,
    groups: GROUPS.filter((g) => groups.includes(g)),
    contestants: CONTESTANTS.filter((c) => names.includes(c.name)),
  };
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** The Contestant method of each workload kind; a contestant without it takes no part. */
const METHOD = {
  sgemm: 'sgemm',
  'conv2d-forward': 'conv2dForward',
  'conv2d-forward-backward': 'conv2dForwardBackward',
  'max-pool-forward-backward': 'maxPoolForwardBackward',
  'net-train': 'trainNet',
  'net-infer': 'inferNet',
  'fit-step': 'fitStep',
} as const satisfies Record<Workload['kind'], keyof Contestant>;

function takesPart(c: Contestant, w: Workload): boolean {
  return c[METHOD[w.kind]] !== undefined;
}

function prepare(c: Contestant, w: Workload): Preparation | Promise<Preparation> {
  const absent = { unsupported: `${c.name} has no ${METHOD[w.kind]}` };
  switch (w.kind) {
    case 'sgemm':
      return c.sgemm?.(w.M, w.N, w.K) ?? absent;
    case 'conv2d-forward':
      return c.conv2dForward?.(w.conv) ?? absent;
    case 'conv2d-forward-backward':
      return c.conv2dForwardBackward?.(w.conv) ?? absent;
    case 'max-pool-forward-backward':
      return c.maxPoolForwardBackward?.(w.pool) ?? absent;
    case 'net-train':
      return c.trainNet?.(w.net) ?? absent;
    case 'net-infer':
      return c.inferNet?.(w.net) ?? absent;
    case 'fit-step':
      return c.fitStep?.(w.fit) ?? absent;
  }
}

/**
 * Estimated time of one run at batch N: the same workload at N = 1, repeated for about 0.2 s
 * (at least twice, so that the JavaScript JIT has optimised the loops), fastest run times N.
 */
async function probeMs(c: Contestant, w: Workload, batch: number): Promise<number | null> {
  const p = await prepare(c, withBatch(w, 1));
  if (isUnsupported(p)) return null;
  try {
    let fastest = Infinity;
    let elapsed = 0;
    for (let runs = 0; runs < 2 || (elapsed < 200 && runs < 50); runs++) {
      const ms = await timeOnce(p.run);
      fastest = Math.min(fastest, ms);
      elapsed += ms;
    }
    return fastest * batch;
  } finally {
    p.dispose?.();
  }
}

function labelFor(c: Contestant, threads: number): string {
  if (c.threadCounts().length === 1) return c.name;
  return `${c.name} x${threads === 0 ? 'def' : threads}`;
}

/**
 * One row: the contestant activated at `threads`, probed where it is (or given the probe's
 * estimate from an earlier slice of the same line), prepared, warmed up and timed.
 */
async function measureOne(
  c: Contestant,
  threads: number,
  w: Workload,
  limits: Limits,
  knownEstimateMs?: number | null,
): Promise<Row> {
  const row: Row = {
    workload: labelOf(w),
    kind: w.kind,
    shape: describe(w),
    contestant: c.name,
    side: c.side,
    threads,
    label: labelFor(c, threads),
    status: 'ok',
    reason: null,
    flops: flopsOf(w),
    images: imagesOf(w),
    medianMs: null,
    minMs: null,
    maxMs: null,
    gflops: null,
    imagesPerSecond: null,
    samplesMs: [],
    samplesCpu: [],
    warmupMs: [],
    probeEstimateMs: null,
    timeBoxed: false,
    partial: null,
    note: '',
  };
  let timing = limits.timing;
  const notes: string[] = [];
  try {
    await c.activate(threads);
    const batch = batchOf(w);
    if (c.probe && batch !== null) {
      const estimate = knownEstimateMs !== undefined ? knownEstimateMs : await probeMs(c, w, batch);
      row.probeEstimateMs = estimate;
      const training = w.kind === 'net-train' || w.kind === 'fit-step';
      const limit = training ? limits.skipTrainAboveSeconds : limits.skipAboveSeconds;
      if (estimate !== null && estimate > limit * 1000) {
        row.status = 'skipped';
        row.reason = `too slow: one run estimated at ${(estimate / 1000).toFixed(0)} s (N=1 probe x ${batch}), limit ${limit} s`;
        return row;
      }
      if (estimate !== null && estimate > timing.slowRunSeconds * 1000) {
        timing = { ...timing, warmupRuns: 0, warmupSeconds: 0, maxSamples: 1 };
        row.timeBoxed = true;
        notes.push(
          `time-boxed: 1 cold run (N=1 probe estimated ${(estimate / 1000).toFixed(1)} s)`,
        );
      }
    }
    globalThis.gc?.();
    const p = await prepare(c, w);
    if (isUnsupported(p)) {
      row.status = 'unsupported';
      row.reason = p.unsupported;
      return row;
    }
    try {
      const t = await measure(p.run, timing);
      row.samplesMs = t.samplesMs;
      row.samplesCpu = t.samplesCpu;
      row.warmupMs = t.warmupMs;
      row.medianMs = t.medianMs;
      row.minMs = t.minMs;
      row.maxMs = t.maxMs;
      if (t.timeBoxed) {
        row.timeBoxed = true;
        const last = (t.warmupMs.at(-1) ?? 0) / 1000;
        notes.push(`time-boxed: 1 run (warm-up took ${last.toFixed(1)} s)`);
      }
    } finally {
      p.dispose?.();
    }
    if (p.partial !== undefined) {
      row.partial = p.partial.missing;
      row.flops = p.partial.flops;
    }
    if (p.note !== undefined) notes.push(p.note);
    if (row.flops !== null && row.medianMs !== null) row.gflops = gflops(row.flops, row.medianMs);
    if (row.images !== null && row.medianMs !== null) {
      row.imagesPerSecond = imagesPerSecond(row.images, row.medianMs);
    }
  } catch (e) {
    row.status = 'error';
    row.reason = errorMessage(e);
  }
  row.note = notes.join('; ');
  return row;
}

/** A row's result for the progress lines: median, images/s and samples, or why there is none. */
function outcome(row: Row): string {
  if (row.status !== 'ok' || row.medianMs === null) return `${row.status}: ${row.reason ?? ''}`;
  const ips = row.imagesPerSecond === null ? '' : `, ${row.imagesPerSecond.toFixed(0)} images/s`;
  const n = row.samplesMs.length;
  return `${row.medianMs.toFixed(2)} ms${ips} (${n} run${n === 1 ? '' : 's'})`;
}

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${availableParallelism()} cores available, ${platform()} ${release()} ${arch()}, Node ${process.version}`;
}

async function main(): Promise<void> {
  let options: Options | null;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(errorMessage(e));
    console.error(HELP);
    process.exitCode = 2;
    return;
  }
  if (options === null) {
    console.log(HELP);
    return;
  }
  const limits = options.quick ? QUICK : FULL;
  const startedAt = new Date();
  console.log(`convnet-ts bench${options.quick ? ' --quick' : ''}: ${machine()}`);

  const ready: Contestant[] = [];
  const contestants: { name: string; side: string; status: string; detail: string }[] = [];
  for (const c of options.contestants) {
    try {
      const detail = await c.setup();
      ready.push(c);
      contestants.push({ name: c.name, side: c.side, status: 'ready', detail });
      console.log(`  ${c.name.padEnd(13)} ${detail}`);
    } catch (e) {
      contestants.push({
        name: c.name,
        side: c.side,
        status: 'unavailable',
        detail: errorMessage(e),
      });
      console.log(`  ${c.name.padEnd(13)} unavailable: ${errorMessage(e)}`);
    }
  }

  const workloads = allWorkloads().filter((w) => options.groups.includes(groupOf(w)));
  const jobs = workloads.flatMap((w) =>
    ready
      .filter((c) => takesPart(c, w))
      .flatMap((c) => c.threadCounts().map((threads) => ({ w, c, threads }))),
  );
  const rows: Row[] = [];
  let done = 0;
  for (const w of workloads) {
    const here = jobs.filter((j) => j.w === w);
    if (imagesOf(w) === null || here.length < 2) {
      for (const { c, threads } of here) {
        const row = await measureOne(c, threads, w, limits);
        rows.push(row);
        progress(`[${++done}/${jobs.length}] ${row.workload} · ${row.label}: ${outcome(row)}`);
      }
      continue;
    }
    // A network workload: its contestants in interleaved slices (slices.ts); a probed
    // contestant is probed once, in its first slice.
    const sliced = { ...limits, timing: sliceTiming(limits.timing) };
    const merged = await measureInSlices(here.length, async (k, first) => {
      const { c, threads } = here[k];
      const row = await measureOne(c, threads, w, sliced, first?.probeEstimateMs);
      progress(`  ${row.workload} · ${row.label}, slice: ${outcome(row)}`);
      return row;
    });
    for (const row of merged) {
      rows.push(row);
      progress(`[${++done}/${jobs.length}] ${row.workload} · ${row.label}: ${outcome(row)}`);
    }
  }

  for (const c of ready) await c.teardown?.();

  const list = ratios(rows);
  const netLines = new Set(rows.filter((r) => r.images !== null).map((r) => r.workload));
  const isNet = (r: { workload: string }): boolean => netLines.has(r.workload);
  const sections: { title: string; rows: Row[]; list: Ratio[]; table: (r: Row[]) => string }[] = [
    {
      title: 'Kernels (issue 3)',
      rows: rows.filter((r) => !isNet(r)),
      list: list.filter((r) => !isNet(r)),
      table: measurementTable,
    },
    {
      title: 'Networks (issues 5 and 16)',
      rows: rows.filter(isNet),
      list: list.filter(isNet),
      table: networkTable,
    },
  ];
  for (const section of sections.filter((s) => s.rows.length > 0)) {
    console.log('');
    console.log(`${section.title}:`);
    console.log(section.table(section.rows));
    const table = ratioTable(section.rows, section.list);
    console.log('');
    if (table === null) {
      console.log('No ratios: no "ours" row was measured.');
    } else {
      console.log('Speed-up of ours (row) over each contestant (column): its median / ours.');
      console.log('">=": that contestant did only part of the work (see its note).');
      console.log(table);
    }
  }
  const targets = checkTargets(rows);
  if (targets.length > 0) {
    console.log('');
    console.log('Targets (issues 5 and 16), for each thread count of ours:');
    for (const line of formatTargets(targets)) console.log(line);
  }
  console.log('');
  console.log('Conventions:');
  for (const line of CONVENTIONS) console.log(`  ${line}`);
  console.log('Workloads:');
  for (const w of workloads) console.log(`  ${labelOf(w).padEnd(20)} ${describe(w)}`);

  const out = new URL('./results/latest.json', import.meta.url);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const json = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(),
    node: process.version,
    availableParallelism: availableParallelism(),
    quick: options.quick,
    groups: options.groups,
    timing: limits.timing,
    networkSlices: SLICES,
    skipAboveSeconds: limits.skipAboveSeconds,
    skipTrainAboveSeconds: limits.skipTrainAboveSeconds,
    conventions: CONVENTIONS,
    contestants,
    rows,
    ratios: list,
    targets,
  };
  writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
  console.log('');
  console.log(`Wrote ${out.pathname}`);
}

await main();
