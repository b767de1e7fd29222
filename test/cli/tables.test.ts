// Every table command on a real pseudo-terminal (util-linux `script`, sized with stty) at 80 and 120
// columns, on one home holding a bit of everything (Kaspi products and history, tracked products,
// a store with products, decisions and preorders, shop orders, payouts, a synced WB cabinet, a
// notification recipient): no line over 80 columns at 80, and the same data at 120 shows at least
// as many columns (more where 80 had to leave some out).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { displayWidth } from '../../src/core/terminal.js';
import { openDatabase } from '../../src/db/connect.js';
import type { Database } from '../../src/db/schema.js';
import { type FakeKaspi, KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { type FakeKaspiShop, generateOrders, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { seedDemper } from '../support/demper-seed.js';
import { seedKaspiHistory } from '../support/history-seed.js';
import { seedPayouts } from '../support/payouts-seed.js';

const SLOW = 300_000;
const hasScript = spawnSync('script', ['--version']).status === 0;

/** The table commands, as a seller types them. */
const TABLES: string[][] = [
  ['history', 'list'],
  ['history', 'show', '102298404'],
  ['history', 'show', '102298404', '--offers'],
  ['kaspi', 'scrape', KASPI_IDS.phone],
  ['kaspi', 'track', 'list'],
  ['kaspi', 'orders', '--since', '30d', '--store', 'M1'],
  ['kaspi', 'sales', '--period', '30d', '--store', 'M1'],
  ['kaspi', 'sales', '--period', '30d', '--by', 'product', '--store', 'M1'],
  ['kaspi', 'top', '--period', '30d', '--store', 'M1'],
  ['demper', 'store', 'list'],
  ['demper', 'products', 'list'],
  ['demper', 'backtest', '--since', '30d'],
  ['preorders', 'list'],
  ['payouts', 'list'],
  ['wb', 'cabinet', 'list'],
  ['wb', 'cabinet', 'check'],
  ['wb', 'sync', '--status'],
  ['wb', 'orders', '--since', '30d'],
  ['wb', 'sales', '--period', '14d'],
  ['wb', 'stocks'],
  ['wb', 'reviews'],
  ['wb', 'notify', 'recipient', 'list'],
  ['jobs', 'status'],
  ['export'],
];

describe.skipIf(!hasScript)('table commands on 80 and 120 column terminals', { timeout: SLOW }, () => {
  let handle: TestDatabase | undefined;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let kaspi: FakeKaspi;
  let shop: FakeKaspiShop;
  let wb: FakeWb;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-tables-'));
    kaspi = await startFakeKaspi();
    shop = await startFakeKaspiShop(generateOrders(30, new Date(Date.now() - 20 * 86_400_000), 14 * 3_600_000));
    wb = await startFakeWb({
      orders: 60,
      sales: 30,
      products: 6,
      reviews: 10,
      from: new Date(Date.now() - 10 * 86_400_000),
      orderStepMs: 9_000_000,
      saleStepMs: 20_000_000,
    });
    const base = { MP_HOME: home, MP_USER: 'seller', MP_KASPI_URL: kaspi.url, MP_KASPI_SHOP_API_URL: shop.url, MP_WB_URL: wb.url };
    let db: Kysely<Database>;
    if (testEngine === 'postgres') {
      handle = await createTestDatabase();
      env = { ...base, DATABASE_URL: handle.url };
      db = handle.db;
    } else {
      env = base;
      const opened = await openDatabase(resolveConfig({ home }, {}));
      db = opened.db;
      handle = { ...opened, url: '' } as TestDatabase;
    }
    await seedKaspiHistory(db);
    await seedDemper(db);
    await seedPayouts(db);
    if (testEngine !== 'postgres') await handle.close();
    const steps: Array<[string[], string?]> = [
      [['kaspi', 'track', 'add', '102298404', KASPI_IDS.phone]],
      [['demper', 'store', 'add', '--merchant-id', 'M1', '--name', 'Shop', '--token-stdin'], `${shop.token}\n`],
      [['kaspi', 'orders', 'sync', '--store', 'M1', '--since', '25d']],
      [['wb', 'cabinet', 'add', '--token-stdin'], `${wb.token}\n`],
      [['wb', 'sync']],
      [['wb', 'notify', 'recipient', 'add', '--cabinet', '1', '--telegram-chat', '123456789']],
    ];
    for (const [args, input] of steps) {
      const r = await runMp(args, { env, input, timeoutMs: SLOW });
      expect(r.code, `mp ${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  }, SLOW);

  afterEach(() => {
    kaspi?.verify();
    shop?.verify();
    wb?.verify();
  });
  afterAll(async () => {
    await Promise.all([kaspi?.stop(), shop?.stop(), wb?.server.stop()]);
    if (testEngine === 'postgres') await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  /**
   * Runs mp on a pseudo-terminal `cols` wide: exit status and stdout lines (CR removed). Not spawnSync:
   * the fake servers live in this process and must keep answering while mp runs.
   */
  const onTerminal = (cols: number, args: string[]) =>
    new Promise<{ status: number | null; lines: string[] }>((resolve, reject) => {
      const bin = join(process.cwd(), 'bin/mp.js');
      const quoted = args.map((a) => `'${a}'`).join(' ');
      const child = spawn('script', ['-q', '-e', '-c', `stty cols ${cols}; ${process.execPath} ${bin} ${quoted} 2>/dev/null`, '/dev/null'], {
        env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: undefined, DATABASE_URL: env.DATABASE_URL ?? '' },
        cwd: home,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        // A spinner on stderr never reaches here (2>/dev/null); strip what a terminal would not show.
        const text = out.replace(/\r/g, '').replace(new RegExp(`${String.fromCharCode(27)}\\[\\??[0-9;]*[a-zA-Z]`, 'g'), '');
        resolve({ status, lines: text.split('\n').filter((l) => l.trim() !== '') });
      });
    });

  /** The heading words of each table in the output (lines in capitals with two-space gaps). */
  const headings = (lines: string[]) =>
    lines
      .map((l) => l.trim())
      .filter((l) => /^[A-Z#][A-Z0-9 ()#/.%-]*$/.test(l) && / {2}/.test(l))
      .map((l) => l.split(/ {2,}/));

  it.each(TABLES.map((args) => [args.join(' '), args] as const))('mp %s', async (_name, args) => {
    const narrow = await onTerminal(80, args);
    expect(narrow.status, narrow.lines.join('\n')).toBe(0);
    const tooWide = narrow.lines.filter((l) => displayWidth(l) > 80);
    expect(tooWide, `lines over 80 columns:\n${tooWide.join('\n')}`).toEqual([]);
    const wide = await onTerminal(120, args);
    expect(wide.status).toBe(0);
    for (const l of wide.lines) expect(displayWidth(l), l).toBeLessThanOrEqual(120);
    const [h80, h120] = [headings(narrow.lines), headings(wide.lines)];
    expect(h80.length, `no table heading in:\n${narrow.lines.join('\n')}`).toBeGreaterThan(0);
    expect(h120.length).toBe(h80.length);
    h80.forEach((cols, i) => {
      expect(h120[i]!.length, `${h120[i]} vs ${cols}`).toBeGreaterThanOrEqual(cols.length);
      for (const c of cols) expect(h120[i]).toContain(c);
    });
  });
});
