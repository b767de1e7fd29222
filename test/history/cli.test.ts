// `mp history` and `mp export` as a user or cron runs them: piped output, --json, exit codes, files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { displayWidth } from '../../src/core/terminal.js';
import { openDatabase } from '../../src/db/connect.js';
import { findDataset } from '../../src/export/datasets.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { seedKaspiHistory } from '../support/history-seed.js';
import { readNdjson, readXlsx } from '../support/read-export.js';

describe('mp history and mp export as subprocesses', () => {
  let handle: TestDatabase | undefined;
  let home: string;
  let work: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-history-home-'));
    work = mkdtempSync(join(tmpdir(), 'mp-history-cwd-'));
    if (testEngine === 'postgres') {
      handle = await createTestDatabase();
      await seedKaspiHistory(handle.db);
      env = { DATABASE_URL: handle.url, MP_HOME: home };
    } else {
      // The embedded database in MP_HOME, seeded here and then opened by each subprocess.
      const db = await openDatabase(resolveConfig({ home }, {}));
      await seedKaspiHistory(db.db);
      await db.close();
      env = { MP_HOME: home };
    }
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });
  const mp = (...args: string[]) => runMp(args, { env, cwd: work });

  it('history show: tab-separated rows when piped, no chart; --json is the series only', async () => {
    const r = await mp('history', 'show', 'https://kaspi.kz/shop/p/apple-iphone-15-128gb-102298404/?c=750000000');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '2026-11-01T06:00:00Z\t379990\t420000\t3\t4.9\t1200',
        '2026-11-08T06:00:00Z\t369990\t420000\t3\t4.9\t1210',
        '2026-11-15T06:00:00Z\t361788\t420000\t3\t4.9\t1220',
        '2026-11-20T06:00:00Z\t361788\t389990\t2\t4.9\t1234',
        '',
      ].join('\n'),
    );
    const json = await mp('history', 'show', '102298404', '--city', 'almaty', '--since', '2026-11-10', '--json');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.product).toMatchObject({ kaspi_id: '102298404', city_id: '750000000' });
    expect(doc.series.map((p: { min_price: string }) => p.min_price)).toEqual(['361788', '361788']);
    expect(json.stdout).not.toMatch(/[┤└─]/);
  });

  // A real pseudo-terminal (util-linux `script`), sized with stty: the table and the chart.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('history show on a terminal: the table, then a chart as wide as the terminal with a legend', { timeout: 180_000 }, () => {
    const bin = join(process.cwd(), 'bin/mp.js');
    for (const cols of [80, 120]) {
      const r = spawnSync('script', ['-q', '-e', '-c', `stty cols ${cols}; ${process.execPath} ${bin} history show 102298404`, '/dev/null'], {
        env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: undefined, DATABASE_URL: env.DATABASE_URL ?? '' },
        cwd: work,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(0);
      const lines = r.stdout.replace(/\r/g, '').split('\n');
      expect(lines[0]).toBe('Apple iPhone 15 128Gb черный · 102298404 · Almaty');
      expect(lines[1]).toMatch(/^CHECKED AT \(ALMATY\) +MIN +MAX +SELLERS +RATING +REVIEWS$/);
      expect(lines[2]).toMatch(/^2026-11-01 11:00 +379 990 ₸ +420 000 ₸ +3 +4\.9 +1 200$/);
      expect(lines).toContain('420 000 ₸ ┤' + '─'.repeat(lines.find((l) => l.startsWith('420 000 ₸ ┤'))!.length - 12) + '╮');
      const axis = lines.find((l) => l.includes('└'))!;
      expect(displayWidth(axis)).toBe(cols);
      expect(lines.some((l) => l.includes('── max price') && l.includes('══ min price'))).toBe(true);
    }
  });

  /** Runs mp on a pseudo-terminal `cols` wide; its output lines (CR removed). */
  const onTerminal = (cols: number, args: string) => {
    const bin = join(process.cwd(), 'bin/mp.js');
    const r = spawnSync('script', ['-q', '-e', '-c', `stty cols ${cols}; ${process.execPath} ${bin} ${args}`, '/dev/null'], {
      env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: undefined, DATABASE_URL: env.DATABASE_URL ?? '' },
      cwd: work,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, lines: r.stdout.replace(/\r/g, '').split('\n') };
  };

  it.skipIf(!hasScript)(
    'history show --seller on a terminal: the events, then that seller price chart with its name as the legend',
    { timeout: 180_000 },
    () => {
      const { status, lines } = onTerminal(90, 'history show 102298404 --seller m1');
      expect(status).toBe(0);
      expect(lines[0]).toBe('Apple iPhone 15 128Gb черный · 102298404 · Almaty · offers');
      expect(lines[2]).toMatch(/^2026-11-01 11:00 +m1 +ТОО "Рога, и копыта" +appeared +- +379 990 ₸$/);
      expect(lines).toContain('ТОО "Рога, и копыта" (m1)');
      expect(lines.some((l) => l.startsWith('379 990 ₸ ┤─'))).toBe(true);
      expect(lines.some((l) => l.startsWith('361 788 ₸ ┤'))).toBe(true);
      expect(displayWidth(lines.find((l) => l.includes('└'))!)).toBe(90);
      expect(lines.some((l) => l.trim() === '── ТОО "Рога, и копыта"')).toBe(true);
    },
  );

  it.skipIf(!hasScript)('history list on an 80-column terminal fits it: the name column gives way, the numbers stay whole', { timeout: 180_000 }, () => {
    const { status, lines } = onTerminal(80, 'history list');
    expect(status).toBe(0);
    // At 80 columns the low-priority columns go (HISTORY, then MAX) before the name is cut; the id and
    // the city (the key) always stay; at 120 everything shows. Times name their zone once, in the heading.
    expect(lines[0]).toMatch(/^ID +CITY +NAME +CHECKED \(ALMATY\) +MIN +OFFERS$/);
    const rows = lines.slice(1).filter((l) => l.trim() !== '');
    expect(rows.length).toBeGreaterThan(0);
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    expect(rows.some((l) => /^102298404 +\S+ +Apple.*черный +2026-\d\d-\d\d \d\d:\d\d +[\d ]+₸ +\d+$/.test(l))).toBe(true);
    const wide = onTerminal(120, 'history list');
    expect(wide.lines[0]).toMatch(/^ID +CITY +NAME +CHECKED \(ALMATY\) +MIN +MAX +HISTORY +OFFERS$/);
    expect(wide.lines.some((l) => l.includes('Apple iPhone 15 128Gb черный'))).toBe(true);
  });

  it.skipIf(!hasScript)('export --out - refuses XLSX to a terminal (exit 2, one line, no bytes), but writes CSV there', { timeout: 180_000 }, () => {
    const xlsx = onTerminal(80, 'export kaspi-offers --format xlsx --out -');
    expect(xlsx.status).toBe(2);
    expect(xlsx.lines.filter((l) => l !== '')).toEqual(['error: refusing to write an XLSX file to the terminal (use --out <file>.xlsx or redirect stdout)']);
    // CSV is text: it goes to the terminal, with no spinner drawn over the rows.
    const csv = onTerminal(80, 'export kaspi-offers --out -');
    expect(csv.status).toBe(0);
    expect(csv.lines[0]).toMatch(/^id,kaspi_id,/);
    expect(csv.lines.join('\n')).not.toContain('\u001b');
  });

  it('history show --offers --seller: the seller events as rows; errors are one line with an exit code', async () => {
    const r = await mp('history', 'show', '102298404', '--seller', 'm1');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      '2026-11-01T06:00:00Z\tm1\tТОО "Рога, и копыта"\tappeared\t\t379990',
      '2026-11-08T06:00:00Z\tm1\tТОО "Рога, и копыта"\tprice_changed\t379990\t369990',
      '2026-11-15T06:00:00Z\tm1\tТОО "Рога, и копыта"\tprice_changed\t369990\t361788',
    ]);
    const missing = await mp('history', 'show', '555555555');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('mp kaspi scrape 555555555');
    const badSort = await mp('history', 'list', '--sort', 'price');
    expect(badSort.code).toBe(2);
    expect(badSort.stderr).toContain('--sort must be one of');
  });

  it('history list: one line per stored product; --json an array', async () => {
    const r = await mp('history', 'list', '--sort', 'name');
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 2)),
    ).toEqual([
      ['102298404', '710000000'], // same name: then by id and city
      ['102298404', '750000000'],
      ['11636226b', '750000000'],
    ]);
    const json = JSON.parse((await mp('history', 'list', '--city', 'astana', '--json')).stdout);
    expect(json).toEqual([expect.objectContaining({ kaspi_id: '102298404', city_id: '710000000', history_rows: 1, offers: 1 })]);
  });

  // Five subprocesses: up to a minute and more on a loaded 2-core machine.
  it('export: lists datasets, writes to stdout, to the default export/ path and to --out by extension', { timeout: 180_000 }, async () => {
    const list = await mp('export');
    expect(list.stdout.split('\n').map((l) => l.split('\t')[0])).toEqual(
      expect.arrayContaining(['kaspi-products', 'kaspi-offers', 'kaspi-product-history', 'kaspi-offer-history']),
    );

    const out = await mp('export', 'kaspi-offer-history', '--out', '-', '--format', 'ndjson', '--since', '2026-11-10', '--city', 'almaty');
    expect(out.code).toBe(0);
    expect(
      out.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).created_at),
    ).toEqual(['2026-11-15T06:00:00.000Z', '2026-11-20T06:00:00.000Z']);

    const def = await mp('export', 'kaspi-offers', '--json');
    expect(def.code).toBe(0);
    const summary = JSON.parse(def.stdout);
    expect(summary).toMatchObject({ dataset: 'kaspi-offers', format: 'csv', rows: 4 });
    expect(summary.file).toMatch(/^export\/kaspi-offers-\d{8}T\d{6}Z\.csv$/);
    expect(readdirSync(join(work, 'export'))).toEqual([summary.file.slice('export/'.length)]);
    expect(readFileSync(join(work, summary.file), 'utf8').split('\r\n')).toHaveLength(6); // header, 4 rows, ''

    const xlsx = await mp('export', 'kaspi-offer-history', '--out', 'files/history.xlsx', '--filter', 'event=price_changed');
    expect(xlsx.code).toBe(0);
    const { rows } = await readXlsx(findDataset('kaspi-offer-history'), join(work, 'files/history.xlsx'));
    expect(rows.map((r) => r.new_price)).toEqual(['369990', '361788']);

    const nd = await mp('export', 'kaspi-products', '--out', 'files/products.jsonl');
    expect(nd.code).toBe(0);
    expect(readNdjson(join(work, 'files/products.jsonl'))).toHaveLength(3);
  });

  it('export: usage errors exit 2 before anything is written', async () => {
    for (const args of [
      ['export', 'wb-nothing'],
      ['export', 'kaspi-offers', '--filter', 'price=cheap', '--out', 'bad.csv'],
      ['export', 'kaspi-offers', '--out', 'bad.txt'],
      ['export', 'kaspi-offers', '--format', 'xlsx', '--excel', '--out', 'bad.xlsx'],
    ]) {
      const r = await mp(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(work, 'bad.csv'))).toBe(false);
    expect(existsSync(join(work, 'bad.xlsx'))).toBe(false);
  });
});
