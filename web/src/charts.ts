/**
 * Line charts on a canvas: axes with a few round ticks, one line per series, a legend. Small
 * enough to read whole; redrawn from scratch on every update.
 */

export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
}

export interface ChartOptions {
  xLabel: string;
  /** The y range; by default from the data (with 0 as the floor when nothing is below it). */
  yMin?: number;
  yMax?: number;
  /** Formats a y tick, e.g. as a percentage. */
  formatY?: (value: number) => string;
}

const MARGIN = { left: 48, right: 12, top: 22, bottom: 30 };

/** About `count` round numbers spanning [lo, hi]. */
export function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const result: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    result.push(Number(t.toPrecision(12)));
  }
  return result;
}

/** Sizes the canvas's backing store to its CSS size times the device pixel ratio. */
function prepare(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const context = canvas.getContext('2d');
  context?.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

/**
 * The x axis's extent: the largest x, or 1 when there are no points yet (an empty chart shows
 * 0 to 1, not ticks of 2e-10).
 */
export function xAxisMax(series: readonly Series[]): number {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const max = Math.max(...xs.filter(Number.isFinite));
  return xs.length === 0 || !(max > 0) ? 1 : max;
}

export function drawLineChart(canvas: HTMLCanvasElement, series: Series[], options: ChartOptions) {
  const c = prepare(canvas);
  if (c === null) return;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  c.clearRect(0, 0, width, height);
  const all = series.flatMap((s) => s.points);
  const xMax = xAxisMax(series);
  const dataMin = Math.min(...all.map((p) => p.y));
  const dataMax = Math.max(...all.map((p) => p.y));
  const yMin = options.yMin ?? (all.length === 0 || dataMin >= 0 ? 0 : dataMin);
  const yMax = options.yMax ?? (all.length === 0 ? 1 : dataMax > yMin ? dataMax : yMin + 1);
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + (x / xMax) * plotWidth;
  const py = (y: number) => MARGIN.top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight;
  const formatY = options.formatY ?? ((v: number) => String(v));

  c.font = '11px system-ui, sans-serif';
  c.strokeStyle = '#2a3140';
  c.fillStyle = '#8a93a6';
  c.lineWidth = 1;
  c.textAlign = 'right';
  c.textBaseline = 'middle';
  for (const t of ticks(yMin, yMax, 4)) {
    const y = Math.round(py(t)) + 0.5;
    c.beginPath();
    c.moveTo(MARGIN.left, y);
    c.lineTo(width - MARGIN.right, y);
    c.stroke();
    c.fillText(formatY(t), MARGIN.left - 6, y);
  }
  c.textAlign = 'center';
  c.textBaseline = 'top';
  for (const t of ticks(0, xMax, 5)) c.fillText(String(t), px(t), height - MARGIN.bottom + 6);
  c.fillText(options.xLabel, MARGIN.left + plotWidth / 2, height - 12);

  for (const s of series) {
    if (s.points.length === 0) continue;
    c.strokeStyle = s.color;
    c.lineWidth = 1.75;
    c.beginPath();
    s.points.forEach((p, i) => (i === 0 ? c.moveTo(px(p.x), py(p.y)) : c.lineTo(px(p.x), py(p.y))));
    c.stroke();
    if (s.points.length === 1) {
      c.fillStyle = s.color;
      c.fillRect(px(s.points[0].x) - 2, py(s.points[0].y) - 2, 4, 4);
    }
  }

  c.textAlign = 'left';
  c.textBaseline = 'middle';
  let legendX = MARGIN.left;
  for (const s of series) {
    c.fillStyle = s.color;
    c.fillRect(legendX, 8, 10, 3);
    c.fillStyle = '#c5cbd8';
    c.fillText(s.label, legendX + 14, 10);
    legendX += 22 + c.measureText(s.label).width;
  }
}
