// A line chart for the terminal, drawn with box-drawing characters: pure (series in, lines out).
// Values are steps — a price holds until the next observation — so a change is drawn as a corner
// at the column where it happened, and a gap (null: the seller left) leaves the columns blank.
import type { Paint } from '../core/terminal.js';
import { displayWidth } from '../core/terminal.js';

export interface ChartPoint {
  /** Milliseconds since the epoch. */
  t: number;
  /** null: no value from here on (until the next point). */
  v: number | null;
}

export interface ChartSeries {
  label: string;
  points: readonly ChartPoint[];
}

export interface ChartOptions {
  /** Total width in columns, labels included (the terminal width). */
  width: number;
  /** Plot height in rows (default 12). */
  height?: number;
  /** Extend every series' last value to this time (the product's last check). */
  end?: number;
  paint?: Paint;
  formatValue?: (v: number) => string;
  formatTime?: (t: number, spanMs: number) => string;
}

interface Glyphs {
  h: string;
  v: string;
  /** Corner at the old level when the line goes up / down. */
  upFrom: string;
  downFrom: string;
  /** Corner at the new level when the line goes up / down. */
  upTo: string;
  downTo: string;
}

// One glyph set per series, so the lines stay apart without colour too.
const GLYPHS: Glyphs[] = [
  { h: '─', v: '│', upFrom: '╯', downFrom: '╮', upTo: '╭', downTo: '╰' },
  { h: '═', v: '║', upFrom: '╝', downFrom: '╗', upTo: '╔', downTo: '╚' },
  { h: '━', v: '┃', upFrom: '┛', downFrom: '┓', upTo: '┏', downTo: '┗' },
];
const COLORS = ['cyan', 'yellow', 'green', 'red'] as const;

const defaultValue = (v: number) => String(Math.round(v));
const defaultTime = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The value of each column: the last point at or before the column's time (null before the first). */
export function sampleSeries(points: readonly ChartPoint[], start: number, span: number, columns: number): (number | null)[] {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const out: (number | null)[] = new Array(columns).fill(null);
  let current: number | null = null;
  let i = 0;
  for (let c = 0; c < columns; c++) {
    // A column covers the times up to (and including) its right edge; every point lands in one.
    const edge = span === 0 ? start : start + (span * (c + 0.5)) / (columns - 1);
    while (i < sorted.length && (sorted[i]!.t <= edge || c === columns - 1)) current = sorted[i++]!.v;
    out[c] = i === 0 ? null : current;
  }
  return out;
}

/** Renders the chart: plot rows with a value axis, a time axis with labels, and a legend. */
export function renderChart(series: readonly ChartSeries[], options: ChartOptions): string[] {
  const height = Math.max(2, options.height ?? 12);
  const formatValue = options.formatValue ?? defaultValue;
  const formatTime = options.formatTime ?? defaultTime;
  const times = series.flatMap((s) => s.points.map((p) => p.t));
  const values = series.flatMap((s) => s.points.map((p) => p.v)).filter((v): v is number => v !== null);
  if (times.length === 0 || values.length === 0) return ['(no data to chart)'];
  const start = Math.min(...times);
  const end = Math.max(options.end ?? Number.NEGATIVE_INFINITY, ...times);
  const span = end - start;

  let low = Math.min(...values);
  let high = Math.max(...values);
  if (low === high) {
    // A flat line sits in the middle with a small margin either side.
    const pad = Math.max(1, Math.round(Math.abs(low) * 0.01));
    low -= pad;
    high += pad;
  }
  const levelValue = (row: number) => high - ((high - low) * row) / (height - 1);
  const labels = Array.from({ length: height }, (_, row) => (row % 2 === 0 || row === height - 1 ? formatValue(levelValue(row)) : ''));
  const labelWidth = Math.max(...labels.map((l) => displayWidth(l)));
  const columns = Math.max(10, options.width - labelWidth - 2);

  const grid: { ch: string; s: number }[][] = Array.from({ length: height }, () => Array.from({ length: columns }, () => ({ ch: ' ', s: -1 })));
  const rowOf = (v: number) => height - 1 - Math.round(((v - low) / (high - low)) * (height - 1));
  const put = (row: number, col: number, ch: string, s: number) => {
    grid[row]![col] = { ch, s };
  };
  // Later series are drawn over earlier ones; callers put the most important one last.
  series.forEach((s, si) => {
    const g = GLYPHS[si % GLYPHS.length]!;
    const sampled = sampleSeries(s.points, start, span, columns);
    let prev: number | null = null;
    sampled.forEach((v, c) => {
      if (v === null) {
        prev = null;
        return;
      }
      const row = rowOf(v);
      if (prev === null || rowOf(prev) === row) put(row, c, g.h, si);
      else {
        const from = rowOf(prev);
        const up = row < from;
        put(from, c, up ? g.upFrom : g.downFrom, si);
        put(row, c, up ? g.upTo : g.downTo, si);
        for (let r = Math.min(row, from) + 1; r < Math.max(row, from); r++) put(r, c, g.v, si);
      }
      prev = v;
    });
  });

  const paint = options.paint;
  const colour = (text: string, s: number) => (paint && s >= 0 ? paint[COLORS[s % COLORS.length]!](text) : text);
  const lines = grid.map((cells, row) => {
    const label = labels[row]!;
    const axis = label ? '┤' : '│';
    // One colour escape per run of cells from the same series, not per cell.
    let body = '';
    for (let i = 0; i < cells.length; ) {
      let j = i;
      let run = '';
      while (j < cells.length && cells[j]!.s === cells[i]!.s) run += cells[j++]!.ch;
      body += colour(run, cells[i]!.s);
      i = j;
    }
    return `${' '.repeat(labelWidth - displayWidth(label))}${label} ${axis}${body}`.trimEnd();
  });
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(columns)}`);
  lines.push(`${' '.repeat(labelWidth + 2)}${timeAxis(start, end, columns, (t) => formatTime(t, span))}`.trimEnd());
  lines.push(`${' '.repeat(labelWidth + 2)}${series.map((s, si) => `${colour(GLYPHS[si % GLYPHS.length]!.h.repeat(2), si)} ${s.label}`).join('   ')}`);
  return lines;
}

/** Time labels at the start, the end and (when they fit) the middle of the axis. */
function timeAxis(start: number, end: number, columns: number, format: (t: number) => string): string {
  const first = format(start);
  if (end === start) return first;
  const last = format(end);
  const line = Array.from({ length: columns }, () => ' ');
  const place = (text: string, at: number) => {
    for (let i = 0; i < text.length && at + i < columns; i++) line[at + i] = text[i]!;
  };
  place(first, 0);
  const lastAt = Math.max(0, columns - last.length);
  if (lastAt > first.length + 1) place(last, lastAt);
  const middle = format(start + (end - start) / 2);
  const midAt = Math.floor((columns - middle.length) / 2);
  if (midAt > first.length + 2 && midAt + middle.length + 2 < lastAt) place(middle, midAt);
  return line.join('');
}
