/**
 * Rows, ratios and their printing: an aligned text table for people, the same data as JSON for
 * scripts (bench/results/latest.json).
 */
import type { Workload } from './workloads.js';

export type RowStatus = 'ok' | 'unsupported' | 'skipped' | 'error';

/** One contestant at one thread count on one workload. */
export interface Row {
  workload: string;
  kind: Workload['kind'];
  shape: string;
  contestant: string;
  side: 'ours' | 'peer';
  /** Thread count the contestant ran at; 0 = the library's own default. */
  threads: number;
  /** The contestant and thread count as the tables name them: 'tfjs-wasm', 'convnet-wasm x2'. */
  label: string;
  status: RowStatus;
  /** Why a row is unsupported, skipped or failed. */
  reason: string | null;
  /** FLOPs of one run (by the conventions; less for a partial row); null where undefined. */
  flops: number | null;
  /** Images one run processes (network workloads: the batch); null for the kernel workloads. */
  images: number | null;
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** GFLOPS at the median time. */
  gflops: number | null;
  /** Images per second at the median time (network workloads). */
  imagesPerSecond: number | null;
  samplesMs: number[];
  /** The vCPU of each sample (timing.ts currentCpu; -1 unknown): the measuring thread's. */
  samplesCpu: number[];
  warmupMs: number[];
  /** For probed contestants: one run's time estimated from the N = 1 probe. */
  probeEstimateMs: number | null;
  /** One timed run only, because a run was too slow to repeat. */
  timeBoxed: boolean;
  /** What a partial row left out; a speed-up against it is a lower bound. */
  partial: string | null;
  note: string;
}

/** Speed-up of an 'ours' row over another row of the same workload: their time / our time. */
export interface Ratio {
  workload: string;
  ours: string;
  versus: string;
  speedup: number;
  /** The other row did only part of the work, so the real speed-up is at least this. */
  lowerBound: boolean;
}

export function ratios(rows: readonly Row[]): Ratio[] {
  const out: Ratio[] = [];
  for (const ours of rows) {
    if (ours.side !== 'ours' || ours.status !== 'ok' || ours.medianMs === null) continue;
    for (const other of rows) {
      if (other === ours || other.workload !== ours.workload) continue;
      if (other.status !== 'ok' || other.medianMs === null) continue;
      out.push({
        workload: ours.workload,
        ours: ours.label,
        versus: other.label,
        speedup: other.medianMs / ours.medianMs,
        lowerBound: other.partial !== null,
      });
    }
  }
  return out;
}

/** Milliseconds with about three significant digits. */
export function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function formatGflops(g: number): string {
  return g >= 10 ? g.toFixed(1) : g.toFixed(2);
}

/** Images per second: whole numbers with thousands separators from 100 up. */
export function formatImagesPerSecond(ips: number): string {
  if (ips >= 100) return Math.round(ips).toLocaleString('en-US');
  return ips >= 10 ? ips.toFixed(1) : ips.toFixed(2);
}

/** Images per second at a run time of `ms` for `images` images. */
export function imagesPerSecond(images: number, ms: number): number {
  return (images * 1000) / ms;
}

export function formatRatio(r: Ratio): string {
  const digits = r.speedup >= 10 ? 1 : 2;
  return `${r.lowerBound ? '>=' : ''}${r.speedup.toFixed(digits)}x`;
}

/** Columns padded to their widest cell; 'r' columns right-aligned. */
export function formatTable(
  header: readonly string[],
  body: readonly (readonly string[])[],
  align: readonly ('l' | 'r')[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

function statusCells(r: Row, columns: number): string[] {
  const thr = r.threads === 0 ? 'def' : String(r.threads);
  const empty = Array.from({ length: columns - 5 }, () => '-');
  return [r.workload, r.contestant, thr, ...empty, '0', `${r.status}: ${r.reason ?? ''}`];
}

function noteCell(r: Row): string {
  return [r.partial === null ? '' : `partial: ${r.partial}`, r.note].filter(Boolean).join('; ');
}

/**
 * The network rows: images/s at the median run (and over the fastest and slowest runs), the
 * median time of one run (a training step, or one batch of inference) and per image.
 */
export function networkTable(rows: readonly Row[]): string {
  const header = [
    'workload',
    'contestant',
    'thr',
    'images/s',
    'min-max images/s',
    'ms/run',
    'ms/image',
    'n',
    'note',
  ];
  const body = rows.map((r) => {
    if (
      r.status !== 'ok' ||
      r.images === null ||
      r.medianMs === null ||
      r.minMs === null ||
      r.maxMs === null
    ) {
      return statusCells(r, header.length);
    }
    const ips = (ms: number): string => formatImagesPerSecond(imagesPerSecond(r.images ?? 1, ms));
    return [
      r.workload,
      r.contestant,
      r.threads === 0 ? 'def' : String(r.threads),
      ips(r.medianMs),
      `${ips(r.maxMs)}-${ips(r.minMs)}`,
      formatMs(r.medianMs),
      formatMs(r.medianMs / r.images),
      String(r.samplesMs.length),
      noteCell(r),
    ];
  });
  return formatTable(header, body, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l']);
}

/** The measurements table: one line per contestant and thread count per workload. */
export function measurementTable(rows: readonly Row[]): string {
  const header = [
    'workload',
    'contestant',
    'thr',
    'median ms',
    'min-max ms',
    'GFLOPS',
    'n',
    'note',
  ];
  const body = rows.map((r) => {
    if (r.status !== 'ok' || r.medianMs === null || r.minMs === null || r.maxMs === null) {
      return statusCells(r, header.length);
    }
    return [
      r.workload,
      r.contestant,
      r.threads === 0 ? 'def' : String(r.threads),
      formatMs(r.medianMs),
      `${formatMs(r.minMs)}-${formatMs(r.maxMs)}`,
      r.gflops === null ? '-' : formatGflops(r.gflops),
      String(r.samplesMs.length),
      noteCell(r),
    ];
  });
  return formatTable(header, body, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l']);
}

/** The ratios table: a line per workload and 'ours' row, a column per other contestant. */
export function ratioTable(rows: readonly Row[], list: readonly Ratio[]): string | null {
  if (list.length === 0) return null;
  const columns = [...new Set(rows.filter((r) => r.status === 'ok').map((r) => r.label))];
  const lines = [...new Set(list.map((r) => `${r.workload}\u0000${r.ours}`))];
  const body = lines.map((key) => {
    const [workload, ours] = key.split('\u0000');
    const cells = columns.map((col) => {
      if (col === ours) return '';
      const r = list.find((x) => x.workload === workload && x.ours === ours && x.versus === col);
      return r === undefined ? '-' : formatRatio(r);
    });
    return [workload, ours, ...cells];
  });
  const header = ['workload', 'ours', ...columns.map((c) => `vs ${c}`)];
  return formatTable(header, body, ['l', 'l', ...columns.map((): 'r' => 'r')]);
}
