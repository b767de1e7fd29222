// `mp demper …` as a subprocess against the fake cabinet and offers server: plan --json, then
// run --apply makes exactly the planned updates; an expired session is reported with its renewal.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import { runMp, startMp, waitFor } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

// Each subprocess opens the database anew; on a busy shared machine one PGlite start alone has taken over a minute.
const SUBPROCESS_MS = 180_000;

let handle: TestDatabase;
let fake: FakeKaspiMc;
let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  handle = await createTestDatabase();
  home = mkdtempSync(join(tmpdir(), 'mp-demper-cli-'));
  fake = await startFakeKaspiMc({
    merchants: [{ uid: 'M1', name: 'Shop' }],
    offers: {
      '100001': [
        { merchantId: 'M1', price: 1000 },
        { merchantId: 'A', merchantName: 'Alpha', price: 990 },
      ],
      '100002': [{ merchantId: 'M1', price: 500 }],
      '100003': [],
    },
  });
  env = {
    ...(testEngine === 'postgres' ? { DATABASE_URL: handle.url! } : {}),
    MP_HOME: home,
    MP_SECRET_KEY: 'a'.repeat(64),
    MP_KASPI_URL: fake.url,
    MP_KASPI_MC_URL: fake.url,
  };
});

afterEach(() => fake?.verify());
afterAll(async () => {
  await fake?.stop();
  await handle?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('mp demper (subprocess)', () => {
  it('plan --json prints the planned decisions and run --apply makes exactly those updates', async () => {
    const cookie = fake.newSession(['M1']);
    const add = await runMp(['demper', 'store', 'add', '--merchant-id', 'M1', '--name', 'Shop', '--session-stdin'], {
      env,
      input: cookie,
      timeoutMs: SUBPROCESS_MS,
    });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).not.toContain(cookie);

    const csv = join(home, 'p.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      csv,
      'sku,product_id,name,price,min_price,max_price,step,strategy\nP1,100001,Phone,1000,800,1500,5,undercut\nP2,100002,Case,500,300,700,1,match\nP3,100003,Cable,300,250,400,1,undercut\n',
    );
    const imp = await runMp(['demper', 'products', 'import', '--store', 'M1', '--file', csv], { env, timeoutMs: SUBPROCESS_MS });
    expect(imp.code).toBe(0);

    const plan = await runMp(['--json', 'demper', 'plan'], { env, timeoutMs: SUBPROCESS_MS });
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.stdout) as Record<string, unknown>[];
    expect(planned).toEqual([
      {
        sku: 'P1',
        city: '750000000',
        price: 1000,
        stored_price: 1000,
        live_price: 1000,
        competitor_price: 990,
        competitor: 'Alpha',
        new_price: 985,
        reason: 'UNDERCUT',
        floor: 800,
        floor_note: null,
      },
      {
        sku: 'P2',
        city: '750000000',
        price: 500,
        stored_price: 500,
        live_price: 500,
        competitor_price: null,
        competitor: null,
        new_price: 700,
        reason: 'NO_COMPETITION',
        floor: 300,
        floor_note: null,
      },
      {
        sku: 'P3',
        city: '750000000',
        price: 300,
        stored_price: 300,
        live_price: null,
        competitor_price: null,
        competitor: null,
        new_price: null,
        reason: 'UNKNOWN',
        floor: 250,
        floor_note: null,
      },
    ]);
    expect(fake.updates).toEqual([]);

    const run = await runMp(['--json', 'demper', 'run', '--apply'], { env, timeoutMs: SUBPROCESS_MS });
    expect(run.code).toBe(0);
    const changes = planned.filter((p) => p.new_price !== null && p.new_price !== p.price).map((p) => ({ sku: p.sku, price: p.new_price }));
    expect(fake.updates.map((u) => ({ sku: u.sku, price: u.price }))).toEqual(changes);
    const doc = JSON.parse(run.stdout) as { stores: { applied: number }[]; decisions: { sku: string; mode: string }[] };
    expect(doc.stores[0]!.applied).toBe(2);
    expect(doc.decisions.map((d) => [d.sku, d.mode])).toEqual([
      ['P1', 'applied'],
      ['P2', 'applied'],
      ['P3', 'unchanged'],
    ]);

    // The cabinet list: a real row (price 0, the price per city) is imported; a row without any
    // price is reported with its reason on stderr and in --json.
    const real = JSON.parse(readFileSync(new URL('../../fixtures/kaspi-mc/offer-view-list_archived-offer.json', import.meta.url), 'utf8')).data[0];
    fake.merchants[0]!.rawRows = [real, { ...real, sku: 'NO-PRICE', allCityPrices: null, minPrice: 0, maxPrice: 0 }];
    const imported = await runMp(['--json', 'demper', 'products', 'import', '--store', 'M1'], { env, timeoutMs: SUBPROCESS_MS });
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({
      store: 'M1',
      offers: 2,
      imported: 1,
      updated: [],
      skipped: [{ sku: 'NO-PRICE', reason: expect.stringMatching(/^no price: none for city 750000000/) }],
      incomplete: null,
    });
    // stderr is not a terminal here: one JSON log line per skipped row.
    const warnings = imported.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; msg: string; sku?: string })
      .filter((l) => l.level === 'warn');
    expect(warnings).toEqual([expect.objectContaining({ sku: 'NO-PRICE', msg: expect.stringMatching(/^skipped NO-PRICE: no price/) })]);

    fake.expire(cookie);
    const check = await runMp(['demper', 'store', 'check'], { env, timeoutMs: SUBPROCESS_MS });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('expired');
    expect(check.stdout).toContain('mp demper store add --merchant-id M1');
  }, 600_000);

  // Each PGlite subprocess opens the embedded database anew (~5–10 s): PostgreSQL only; the same
  // behaviour is covered in-process on both engines by test/demper/run.test.ts.
  it.runIf(testEngine === 'postgres')(
    'run --apply: a 429 pauses the merchant and the next run does not call it; --shard 0/2 and 1/2 plan every product once',
    async () => {
      const cookie = fake.newSession(['M1']);
      const add = await runMp(['demper', 'store', 'add', '--merchant-id', 'M1', '--name', 'Shop', '--session-stdin'], {
        env,
        input: cookie,
        timeoutMs: SUBPROCESS_MS,
      });
      expect(add.code).toBe(0);
      fake.offers['100001'] = [
        { merchantId: 'M1', price: 985 },
        { merchantId: 'A', merchantName: 'Alpha', price: 950 },
      ];
      fake.offers['100002'] = [
        { merchantId: 'M1', price: 700 },
        { merchantId: 'B', price: 600 },
      ];
      const calls = () => fake.requestsTo('/pricefeed/upload/merchant/process').length;
      const before = calls();
      fake.server.fault('/pricefeed/upload/merchant/process', { status: 429, body: { error: 'Too many requests' } }, 'POST');
      const first = await runMp(['--json', 'demper', 'run', '--apply'], { env, timeoutMs: SUBPROCESS_MS });
      expect(first.code).toBe(1);
      expect(calls()).toBe(before + 1);
      expect(first.stderr).toMatch(/429.*paused until/);
      const doc = JSON.parse(first.stdout) as { stores: { failed: number; skipped: number; paused_until: string }[] };
      expect(doc.stores[0]).toMatchObject({ failed: 1, skipped: 1 });
      expect(new Date(doc.stores[0]!.paused_until).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);

      const second = await runMp(['--json', 'demper', 'run', '--apply'], { env, timeoutMs: SUBPROCESS_MS });
      expect(second.code).toBe(1);
      expect(calls()).toBe(before + 1);
      expect(second.stderr).toMatch(/paused until/);

      const csv = join(home, 'more.csv');
      const { writeFileSync } = await import('node:fs');
      const extra = Array.from({ length: 20 }, (_, i) => `H${i},${200000 + i},Item ${i},100,50,150,1,hold`);
      writeFileSync(csv, `sku,product_id,name,price,min_price,max_price,step,strategy\n${extra.join('\n')}\n`);
      expect((await runMp(['demper', 'products', 'import', '--store', 'M1', '--file', csv], { env, timeoutMs: SUBPROCESS_MS })).code).toBe(0);
      const shards = await Promise.all(['0/2', '1/2'].map((s) => runMp(['--json', 'demper', 'plan', '--shard', s], { env, timeoutMs: SUBPROCESS_MS })));
      const skus = shards.map((r) => {
        expect(r.code).toBe(0);
        return (JSON.parse(r.stdout) as { sku: string }[]).map((x) => x.sku);
      });
      expect(skus[0]!.length).toBeGreaterThan(0);
      expect(skus[1]!.length).toBeGreaterThan(0);
      // P1–P3 and the cabinet's real row from the first test, then the file's 20.
      const all = ['P1', 'P2', 'P3', '113744482_000573024', ...extra.map((l) => l.split(',')[0]!)];
      expect([...skus[0]!, ...skus[1]!].sort()).toEqual(all.sort());
    },
    600_000,
  );

  // Each PGlite subprocess opens the embedded database anew (~5–10 s): this flow runs on PostgreSQL only;
  // the same round trip is covered in-process on both engines by test/preorders.
  it.runIf(testEngine === 'postgres')(
    'preorders: add, export the template, import it back',
    async () => {
      const add = await runMp(
        [
          'preorders',
          'add',
          'PRE-1',
          '--store',
          'M1',
          '--model',
          'Lamp',
          '--brand',
          'Без бренда',
          '--price',
          '1500',
          '--pp1',
          '3',
          '--pp2',
          'yes',
          '--preorder',
          '10',
        ],
        { env, timeoutMs: SUBPROCESS_MS },
      );
      expect(add.code).toBe(0);
      const file = join(home, 'pre.xlsx');
      const exp = await runMp(['preorders', 'export', '--store', 'M1', '--out', file], { env, timeoutMs: SUBPROCESS_MS });
      expect(exp.code).toBe(0);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      expect((workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual([
        'SKU',
        'model',
        'brand',
        'price',
        'PP1',
        'PP2',
        'PP3',
        'PP4',
        'PP5',
        'preorder',
      ]);
      const imp = await runMp(['--json', 'preorders', 'import', file, '--store', 'M1'], { env, timeoutMs: SUBPROCESS_MS });
      expect(imp.code).toBe(0);
      expect(JSON.parse(imp.stdout)).toMatchObject({ imported: 1 });
      // P1 is under price management: no --price, no --model; the row shows the repricer's price.
      const managed = await runMp(['preorders', 'add', 'P1', '--store', 'M1', '--pp1', '2'], { env, timeoutMs: SUBPROCESS_MS });
      expect(managed.code).toBe(0);
      const p1Price = Number((await handle.db.selectFrom('demper_products').select('price').where('sku', '=', 'P1').executeTakeFirstOrThrow()).price);
      const list = await runMp(['--json', 'preorders', 'list', '--store', 'M1'], { env, timeoutMs: SUBPROCESS_MS });
      const pp = { pp2: null, pp3: null, pp4: null, pp5: null };
      expect(JSON.parse(list.stdout)).toEqual([
        { sku: 'P1', model: 'Phone', brand: '', price: p1Price, price_from: 'repricer', own_price: null, pp1: '2', ...pp, preorder: 0 },
        { sku: 'PRE-1', model: 'Lamp', brand: 'Без бренда', price: 1500, price_from: 'own', own_price: 1500, pp1: '3', ...pp, pp2: 'yes', preorder: 10 },
      ]);
    },
    600_000,
  );

  it('serve refuses half-set price-list credentials before it opens anything; the password is never printed', async () => {
    const r = await runMp(['serve', '--port', '0'], { env: { ...env, MP_KASPI_FEED_PASSWORD: 'a very secret password' }, timeoutMs: SUBPROCESS_MS });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/need both MP_KASPI_FEED_USER and MP_KASPI_FEED_PASSWORD.*only the password is set/);
    expect(r.stderr + r.stdout).not.toContain('a very secret password');
  });

  // Each PGlite subprocess opens the embedded database anew: PostgreSQL only; the same flows run
  // in-process on both engines in test/demper/price-list.test.ts.
  it.runIf(testEngine === 'postgres')(
    'store set --cities, stock import, price-list url, and mp serve handing the list to a loader (store list shows the fetch)',
    async () => {
      const cookie = fake.newSession(['M1']);
      await runMp(['demper', 'store', 'add', '--merchant-id', 'M1', '--name', 'Shop', '--session-stdin'], { env, input: cookie, timeoutMs: SUBPROCESS_MS });
      const set = await runMp(['--json', 'demper', 'store', 'set', 'M1', '--cities', 'almaty,astana'], { env, timeoutMs: SUBPROCESS_MS });
      expect(set.code).toBe(0);
      expect(JSON.parse(set.stdout)).toMatchObject({ merchant_id: 'M1', city_id: '750000000', cities: '750000000 710000000' });
      const badCity = await runMp(['demper', 'store', 'set', 'M1', '--cities', 'almaty,atlantis'], { env, timeoutMs: SUBPROCESS_MS });
      expect(badCity.code).toBe(2);
      expect(badCity.stderr).toMatch(/KASPI_BAD_CITY.*|unknown city .*atlantis/);

      const { writeFileSync } = await import('node:fs');
      const products = join(home, 'p.csv');
      writeFileSync(
        products,
        'sku,product_id,name,price,min_price,max_price,step,strategy\nP1,100001,Phone,1000,800,1500,5,undercut\nP2,100002,Case,500,300,700,1,match\n',
      );
      expect((await runMp(['demper', 'products', 'import', '--store', 'M1', '--file', products], { env, timeoutMs: SUBPROCESS_MS })).code).toBe(0);
      const stock = join(home, 'stock.csv');
      writeFileSync(stock, 'sku,PP1,PP2\nP1,4,0\nP2,oops,1\n');
      const refused = await runMp(['demper', 'stock', 'import', '--store', 'M1', '--file', stock], { env, timeoutMs: SUBPROCESS_MS });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/nothing imported, fix these rows: row 3: PP1 must be a whole stock count/);
      writeFileSync(stock, 'sku,PP1,PP2\nP1,4,0\n');
      const imported = await runMp(['--json', 'demper', 'stock', 'import', '--store', 'M1', '--file', stock], { env, timeoutMs: SUBPROCESS_MS });
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ store: 'M1', skus: 1, points: 2, not_managed: [] });

      const urls = await runMp(['--json', 'demper', 'price-list', 'url', '--store', 'M1', '--base-url', 'https://mp.example.kz/'], {
        env,
        timeoutMs: SUBPROCESS_MS,
      });
      expect(urls.code).toBe(0);
      const { url, secret_url: secretUrl } = JSON.parse(urls.stdout) as { url: string; secret_url: string };
      expect(url).toBe('https://mp.example.kz/kaspi/price-lists/M1.xml');
      expect(secretUrl).toMatch(/^https:\/\/mp\.example\.kz\/kaspi\/price-lists\/s\/[A-Za-z0-9_-]{43}\.xml$/);

      // The list as a run puts it out (P1 and P2 in both cities; P3's offers are unknown: its stored price).
      fake.offers['100003'] = [{ merchantId: 'M1', price: 300 }];
      const run = await runMp(['demper', 'run', '--apply', '--via', 'xml', '--export-dir', join(home, 'export')], { env, timeoutMs: SUBPROCESS_MS });
      expect(run.code).toBe(0);
      const show = await runMp(['demper', 'price-list', 'show', '--store', 'M1'], { env, timeoutMs: SUBPROCESS_MS });
      expect(show.code).toBe(0);
      expect(show.stdout.match(/<cityprice cityId="710000000">/g)?.length).toBe(show.stdout.match(/<offer /g)?.length);
      expect(show.stdout).toMatch(
        /<offer sku="P1">[\s\S]*?<availability available="yes" storeId="PP1" stockCount="4"\/>\s*<availability available="no" storeId="PP2"\/>/,
      );

      const serve = startMp(['--json', 'serve', '--port', '0'], { ...env, MP_KASPI_FEED_USER: 'kaspi', MP_KASPI_FEED_PASSWORD: 'the loader password' });
      try {
        await waitFor('mp serve to listen', () => serve.stderr().includes('Kaspi price lists:'), SUBPROCESS_MS);
        const base = /listening on (http:\/\/[^\s"]+)/.exec(serve.stderr())![1]!;
        expect((await fetch(`${base}/kaspi/price-lists/M1.xml`)).status).toBe(401);
        const res = await fetch(`${base}/kaspi/price-lists/M1.xml`, {
          headers: { authorization: `Basic ${Buffer.from('kaspi:the loader password').toString('base64')}`, 'user-agent': 'KaspiLoader' },
        });
        expect(res.status).toBe(200);
        // The list served is the one `show` printed (its date is when this content first went out).
        const undated = (xml: string) => xml.replace(/ date="[^"]+"/, '');
        expect(undated(await res.text())).toBe(undated(show.stdout));
        expect((await fetch(`${base}${new URL(secretUrl).pathname}`)).status).toBe(200);
        expect(serve.stderr()).not.toContain('the loader password');
        expect(serve.stderr()).not.toContain(new URL(secretUrl).pathname);
      } finally {
        serve.child.kill('SIGTERM');
        await serve.exit;
      }
      const list = await runMp(['--json', 'demper', 'store', 'list'], { env, timeoutMs: SUBPROCESS_MS });
      const stores = JSON.parse(list.stdout) as { merchant_id: string; fetched: string | null; last_fetch_status: number | null }[];
      expect(stores.find((x) => x.merchant_id === 'M1')).toMatchObject({ fetched: expect.any(String), last_fetch_status: 200 });
    },
    600_000,
  );
});
