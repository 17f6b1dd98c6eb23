/**
 * The network targets of issues 5 and 16, checked against a run's rows and printed under the tables
 * (bench/README.md states them beside the command that reproduces them). Each is judged on every
 * thread count of our fast backend, all cores first: all cores is what `convnet train` uses by
 * default and what the training target names; the 1-thread line shows whether one thread would
 * do better (at batch 1 the threads' synchronisation can cost more than it saves). Where the
 * issue names the thread count (the seed net's fit: 2 threads), only the all-cores row is judged.
 * The fit targets of issue 16 compare each of our rows with PyTorch's at the same thread count; the
 * issue names PyTorch hand-tuned, which the pytorch contestant is only when its environment
 * (OMP_NUM_THREADS, ATEN_CPU_CAPABILITY, ...) is set so. A target whose workload was not run
 * (another --only group) is not printed.
 */
import { formatImagesPerSecond, formatMs, type Row } from './report.js';
import { median } from './timing.js';

/** The contestant the targets are about. */
const OURS = 'convnet-wasm';

export interface TargetResult {
  workload: string;
  target: string;
  /** Our row's label ('convnet-wasm x2'), or OURS when no row was measured. */
  ours: string;
  /** What was measured, in the target's unit, and the figures it was judged on. */
  measured: string;
  /** null when a row it needs is missing (not measured, or failed). */
  met: boolean | null;
}

interface Target {
  workload: string;
  target: string;
  /** Judged on our all-cores row only (where the issue names the thread count). */
  allCores?: boolean;
  judge(ours: Row, rows: readonly Row[]): { measured: string; met: boolean | null };
}

/** The peer's median / ours (how many times faster ours is), or null if the peer has no time. */
function speedup(ours: Row, rows: readonly Row[], peer: string): number | null {
  return speedupOver(
    ours,
    rows.find((x) => x.workload === ours.workload && x.label === peer),
  );
}

/** A peer's row at our row's thread count, if it was measured. */
function peerAtSameThreads(ours: Row, rows: readonly Row[], peer: string): Row | undefined {
  return rows.find(
    (x) => x.workload === ours.workload && x.contestant === peer && x.threads === ours.threads,
  );
}

/** That peer row's median / ours, or null if either has no time. */
function speedupOver(ours: Row, other: Row | undefined): number | null {
  if (other === undefined || other.status !== 'ok' || other.medianMs === null) return null;
  return ours.medianMs === null ? null : other.medianMs / ours.medianMs;
}

/** Samples on one vCPU below this are too few for a median worth printing. */
const FEW_SAMPLES = 10;

/**
 * The peer's median / ours over the samples taken on each vCPU that both have at least
 * FEW_SAMPLES on, e.g. "cpu0 0.60x (120/95 runs)": the comparison with the vCPU held equal, for a
 * peer that runs on the measuring thread as ours does (not one timed through a pipe).
 */
function sameCpuRatios(ours: Row, other: Row): string[] {
  return samplesByCpu(ours).flatMap(([cpu, a]) => {
    const b = samplesOn(other, cpu);
    if (b.length < FEW_SAMPLES) return [];
    return [`cpu${cpu} ${(median(b) / median(a)).toFixed(2)}x (${a.length}/${b.length} runs)`];
  });
}

/** A row's samples on each vCPU it has at least FEW_SAMPLES on, by vCPU. */
function samplesByCpu(r: Row): [cpu: number, samplesMs: number[]][] {
  const cpus = [...new Set(r.samplesCpu)].filter((c) => c >= 0).sort((a, b) => a - b);
  return cpus
    .map((cpu): [number, number[]] => [cpu, samplesOn(r, cpu)])
    .filter(([, samples]) => samples.length >= FEW_SAMPLES);
}

/** A row's samples tagged with one vCPU. */
function samplesOn(r: Row, cpu: number): number[] {
  return r.samplesMs.filter((_, i) => r.samplesCpu[i] === cpu);
}

/**
 * An issue-16 target: at least `times` a peer's speed (pytorch, onnxruntime) at the same threads,
 * on every thread count or, `allCores`, on all cores only. Judged on all samples; for a peer on
 * the measuring thread (`sameThread`), the ratios on each vCPU are printed beside it.
 */
function peerTarget(
  workload: string,
  peer: string,
  times: number,
  options: { allCores?: boolean; sameThread?: boolean } = {},
): Target {
  const allCores = options.allCores === true;
  return {
    workload,
    target: `>= ${times.toFixed(1)}x ${peer}, same threads${allCores ? ' (all cores)' : ''}`,
    allCores,
    judge(ours, rows) {
      const other = peerAtSameThreads(ours, rows, peer);
      const ratio = speedupOver(ours, other);
      const byCpu =
        options.sameThread === true && other !== undefined ? sameCpuRatios(ours, other) : [];
      const perCpu = byCpu.length > 0 ? `; by vCPU: ${byCpu.join(', ')}` : '';
      return {
        measured: `${formatImagesPerSecond(ours.imagesPerSecond ?? 0)} images/s, ${ratioText(ratio, `${peer} x${ours.threads}`)}${perCpu}`,
        met: ratio === null ? null : ratio >= times,
      };
    },
  };
}

function ratioText(ratio: number | null, peer: string): string {
  return ratio === null ? `${peer} not measured` : `${ratio.toFixed(1)}x ${peer}`;
}

function perImageMs(r: Row): number {
  return r.medianMs === null || r.images === null ? Infinity : r.medianMs / r.images;
}

/** At most `ms` milliseconds per image. */
function perImageTarget(workload: string, ms: number): Target {
  return {
    workload,
    target: `<= ${ms} ms/image`,
    judge(ours) {
      const measured = perImageMs(ours);
      const byCpu = samplesByCpu(ours).map(
        ([cpu, samples]) => `cpu${cpu} ${formatMs(median(samples) / (ours.images ?? 1))}`,
      );
      const perCpu = byCpu.length > 0 ? ` (by vCPU: ${byCpu.join(', ')})` : '';
      return { measured: `${formatMs(measured)} ms/image${perCpu}`, met: measured <= ms };
    },
  };
}

export const TARGETS: readonly Target[] = [
  {
    workload: 'train seed-net b64',
    target: '>= 1,150 images/s (all cores), beside jax-js',
    judge(ours, rows) {
      const ips = ours.imagesPerSecond ?? 0;
      const ratio = speedup(ours, rows, 'jax-js');
      return {
        measured: `${formatImagesPerSecond(ips)} images/s, ${ratioText(ratio, 'jax-js')}`,
        met: ips >= 1150,
      };
    },
  },
  {
    workload: 'infer seed-net b64',
    target: '>= 5x tfjs-wasm',
    judge(ours, rows) {
      const ratio = speedup(ours, rows, 'tfjs-wasm');
      return {
        measured: `${formatImagesPerSecond(ours.imagesPerSecond ?? 0)} images/s, ${ratioText(ratio, 'tfjs-wasm')}`,
        met: ratio === null ? null : ratio >= 5,
      };
    },
  },
  perImageTarget('infer seed-net b1', 0.5),
  peerTarget('infer seed-net b64', 'onnxruntime', 0.5, { sameThread: true }),
  peerTarget('infer seed-net b64', 'pytorch', 1.5),
  perImageTarget('infer seed-net b1', 0.2),
  // The issue names 2 threads for the seed net's training; the others name no thread count.
  peerTarget('fit seed-net b64', 'pytorch', 2, { allCores: true }),
  peerTarget('fit fashion-net b64', 'pytorch', 1),
];

/** Each target against each of our measured rows for its workload, most threads first. */
export function checkTargets(rows: readonly Row[]): TargetResult[] {
  const run = new Set(rows.map((r) => r.workload));
  return TARGETS.filter((t) => run.has(t.workload)).flatMap((t) => {
    const measured = rows
      .filter((r) => r.contestant === OURS && r.workload === t.workload && r.status === 'ok')
      .sort((a, b) => b.threads - a.threads);
    const ours = t.allCores === true ? measured.slice(0, 1) : measured;
    if (ours.length === 0) {
      const missing = { ours: OURS, measured: 'not measured', met: null };
      return [{ workload: t.workload, target: t.target, ...missing }];
    }
    return ours.map((r) => ({
      workload: t.workload,
      target: t.target,
      ours: r.label,
      ...t.judge(r, rows),
    }));
  });
}

/** One line per target and thread count: met, MISSED, or not judged. */
export function formatTargets(results: readonly TargetResult[]): string[] {
  const width = (key: 'workload' | 'target' | 'ours'): number =>
    Math.max(...results.map((r) => r[key].length));
  return results.map((r) => {
    const verdict = r.met === null ? 'not judged' : r.met ? 'met' : 'MISSED';
    const cells = [
      r.workload.padEnd(width('workload')),
      r.target.padEnd(width('target')),
      r.ours.padEnd(width('ours')),
      verdict.padEnd(10),
      r.measured,
    ];
    return `  ${cells.join('  ')}`;
  });
}
