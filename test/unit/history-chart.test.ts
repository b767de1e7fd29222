import { describe, expect, it } from 'vitest';
import { chartTime, tenge } from '../../src/commands/history/format.js';
import { displayWidth, painter } from '../../src/core/terminal.js';
import { renderChart, sampleSeries } from '../../src/history/chart.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T06:00:00Z');
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('terminal chart', () => {
  it('samples steps: a value holds until the next point; null before the first point and after a gap', () => {
    const points = [
      { t: 2, v: 10 },
      { t: 5, v: 20 },
      { t: 7, v: null },
      { t: 9, v: 15 },
    ];
    // 11 columns over t = 0..10: one column per time unit.
    expect(sampleSeries(points, 0, 10, 11)).toEqual([null, null, 10, 10, 10, 20, 20, null, null, 15, 15]);
    // Every point lands in some column even when several share one: the last one wins.
    expect(sampleSeries(points, 0, 10, 3)).toEqual([10, null, 15]);
    expect(sampleSeries(points.slice(0, 2), 0, 10, 3)).toEqual([10, 20, 20]);
  });

  it('draws min and max over time with a tenge value axis, a time axis and a legend, within the width', () => {
    const max = { label: 'max price', points: [0, 7, 14, 19].map((d, i) => ({ t: T0 + d * DAY, v: [420000, 420000, 420000, 389990][i]! })) };
    const min = { label: 'min price', points: [0, 7, 14, 19].map((d, i) => ({ t: T0 + d * DAY, v: [379990, 369990, 361788, 361788][i]! })) };
    for (const width of [60, 100, 160]) {
      const lines = renderChart([max, min], { width, height: 12, formatValue: tenge, formatTime: chartTime });
      expect(lines).toHaveLength(12 + 3);
      for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      // The plot fills the width: the axis line is as wide as the chart.
      expect(displayWidth(lines[12]!)).toBe(width);
      expect(lines[0]).toMatch(/^420 000 ₸ ┤─+╮$/);
      expect(lines[11]).toMatch(/^361 788 ₸ ┤ +╚═+$/);
      expect(lines[13]).toMatch(/^ +2026-11-01 .*2026-11-20$/);
      expect(lines[14]).toContain('── max price');
      expect(lines[14]).toContain('══ min price');
      // Two steps down in the min line (╗ at the old level, ╚ at the new), one in the max line.
      expect(lines.join('\n').match(/╗/g)).toHaveLength(2);
      expect(lines.join('\n').match(/╮/g)).toHaveLength(1);
    }
  });

  it('goes up with ╯ and ╭, leaves a gap while a seller is gone, and extends the last value to `end`', () => {
    const series = [
      {
        label: 'seller',
        points: [
          { t: 0, v: 100 },
          { t: 10, v: 200 },
          { t: 20, v: null },
          { t: 30, v: 150 },
        ],
      },
    ];
    const lines = renderChart(series, { width: 52, height: 5, end: 40 }).map(plain);
    const plot = lines.slice(0, 5).map((l) => l.slice(l.indexOf('┤') >= 0 ? l.indexOf('┤') + 1 : l.indexOf('│') + 1));
    expect(plot[0]).toMatch(/^ +╭─+$/); // 200 from t=10 until it disappears
    expect(plot[4]).toMatch(/^─+╯$/); // 100 until t=10
    // The gap: columns between t=20 and t=30 are blank on every row.
    const columns = 52 - '200'.length - 2; // the width less the value labels and the axis
    expect(lines[5]).toBe(`    └${'─'.repeat(columns)}`);
    const gapColumn = Math.round((25 / 40) * (columns - 1));
    for (const row of plot) expect(row[gapColumn] ?? ' ').toBe(' ');
    // 150 runs from t=30 to the end.
    expect(plot[2]!.length).toBe(columns);
  });

  it('draws a flat line for a single value and says so when there is nothing to draw', () => {
    const lines = renderChart([{ label: 'one seller', points: [{ t: T0, v: 365000 }] }], { width: 40, height: 5, formatValue: tenge });
    expect(lines.slice(0, 5).filter((l) => l.includes('─'))).toHaveLength(1);
    expect(lines.join('\n')).toContain('365 000 ₸');
    expect(renderChart([{ label: 'x', points: [] }], { width: 40 })).toEqual(['(no data to chart)']);
    expect(renderChart([{ label: 'x', points: [{ t: 1, v: null }] }], { width: 40 })).toEqual(['(no data to chart)']);
  });

  it('colours each series on a colour terminal and nothing otherwise', () => {
    const series = [
      { label: 'a', points: [{ t: 0, v: 1 }] },
      { label: 'b', points: [{ t: 0, v: 2 }] },
    ];
    expect(renderChart(series, { width: 40 }).join('')).not.toContain('\u001b[');
    const coloured = renderChart(series, { width: 40, paint: painter(true) }).join('\n');
    expect(coloured).toContain('\u001b[36m');
    expect(coloured).toContain('\u001b[33m');
  });

  it('labels times as dates over days and as times within a day', () => {
    expect(chartTime(T0, 3 * DAY)).toBe('2026-11-01');
    expect(chartTime(T0, 3_600_000)).toBe('11-01 11:00'); // Almaty is UTC+5
    // A span of seconds (two scrapes in a row) tells its points apart by the second.
    expect(chartTime(T0 + 7_000, 20_000)).toBe('11:00:07');
    expect(tenge(1234567.4)).toBe('1 234 567 ₸');
  });
});
