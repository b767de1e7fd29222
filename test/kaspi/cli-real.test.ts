// `mp kaspi scrape` as a subprocess against the fake Kaspi serving real captures: every product URL
// mp prints or exports is one mp accepts back as the same product; a partial offer list or a changed
// layout exits 1 with coded warnings in the --json record (`--accept-partial` accepts only the first).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspi, REAL_PAGE_IDS, SHORT_OFFERS_ID, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { parseProductRef } from '../../src/kaspi/product-ref.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { renameItemKeys, withItemState } from '../support/kaspi-layout.js';

let kaspi: FakeKaspi;
let home: string;
let handle: TestDatabase | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  kaspi = await startFakeKaspi();
  home = mkdtempSync(join(tmpdir(), 'mp-kaspi-real-'));
  env = { MP_HOME: home, MP_KASPI_URL: kaspi.url };
  if (testEngine === 'postgres') {
    handle = await createTestDatabase();
    env.DATABASE_URL = handle.url;
  }
});
// Each test answers for its requests: none the fake has no route for, no fault left unused.
afterEach(() => kaspi.verify());
afterAll(async () => {
  await kaspi?.stop();
  await handle?.close();
  rmSync(home, { recursive: true, force: true });
});

const out = () => join(home, 'out');
const mp = (...args: string[]) => runMp(args, { env, cwd: home });
const records = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

describe('mp kaspi scrape on real pages (subprocess)', { timeout: 240_000 }, () => {
  it('every URL mp prints or exports reads back as the same product', async () => {
    const r = await mp('kaspi', 'scrape', ...REAL_PAGE_IDS, '--json', '--export-dir', out());
    expect(r.code).toBe(0);
    const emitted: [string, string][] = []; // [id, url]
    for (const rec of records(r.stdout)) emitted.push([rec.id, rec.url]);
    for (const id of REAL_PAGE_IDS) emitted.push([id, JSON.parse(readFileSync(join(out(), 'kaspi', `${id}-750000000.json`), 'utf8')).url]);
    for (const p of JSON.parse(readFileSync(join(out(), 'kaspi', 'products.json'), 'utf8'))) emitted.push([p.id, p.url]);
    const history = await mp('history', 'show', REAL_PAGE_IDS[0]!, '--json');
    expect(history.code).toBe(0);
    emitted.push([REAL_PAGE_IDS[0]!, JSON.parse(history.stdout).product.url]);
    const exported = await mp('export', 'kaspi-products', '--format', 'json', '--out', '-');
    expect(exported.code).toBe(0);
    for (const p of JSON.parse(exported.stdout)) emitted.push([p.kaspi_id, p.url]);
    expect(emitted.length).toBe(REAL_PAGE_IDS.length * 4 + 1);
    for (const [id, url] of emitted) {
      expect(url, `${id}`).toMatch(/^https:\/\/kaspi\.kz\/shop\/p\/[^/?#]+\/$/);
      expect(parseProductRef(url), url).toEqual({ id });
    }
    // And the commands that take products accept them: all of them tracked, as these products.
    const urls = [...new Set(emitted.map(([, url]) => url))];
    const track = await mp('kaspi', 'track', 'add', ...urls, '--json');
    expect(track.code).toBe(0);
    expect(
      JSON.parse(track.stdout)
        .added.map((a: { id: string }) => a.id)
        .sort(),
    ).toEqual([...REAL_PAGE_IDS].sort());
  });

  it('a short offer list: the record says so with a coded warning and the run exits 1, or 0 with --accept-partial', async () => {
    const r = await mp('kaspi', 'scrape', SHORT_OFFERS_ID, '--json', '--export-dir', out());
    expect(r.code).toBe(1);
    const [rec] = records(r.stdout);
    expect(rec).toMatchObject({
      ok: true,
      complete: false,
      offers_status: 'incomplete',
      incomplete_fields: ['offers'],
      offers_total: 20,
      warnings: [{ code: 'KASPI_OFFERS_INCOMPLETE', message: expect.stringMatching(/4 of the 20/) }],
    });
    expect(rec!.offers).toHaveLength(4);
    expect(r.stderr).toMatch(/KASPI_OFFERS_INCOMPLETE/);
    const accepted = await mp('kaspi', 'scrape', SHORT_OFFERS_ID, '--accept-partial', '--export-dir', out());
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toMatch(/1 incomplete \(KASPI_OFFERS_INCOMPLETE ×1: kept from the last scrape, accepted with --accept-partial\)/);
  });

  it('a page that lost fields: KASPI_LAYOUT_CHANGED naming them, exit 1 even with --accept-partial', async () => {
    const id = REAL_PAGE_IDS[3]!; // has a description and six photos
    kaspi.replacePage(id, withItemState(kaspi.pageOf(id), renameItemKeys));
    try {
      const r = await mp('kaspi', 'scrape', id, '--json', '--accept-partial', '--export-dir', out());
      expect(r.code).toBe(1);
      const [rec] = records(r.stdout);
      expect(rec).toMatchObject({ ok: true, complete: false, changes: { fields: [] } });
      const layout = rec!.warnings.find((w: { code: string }) => w.code === 'KASPI_LAYOUT_CHANGED');
      expect(layout.fields).toEqual(expect.arrayContaining(['description', 'photos', 'category']));
      expect(rec!.photos).toHaveLength(6);
      expect(rec!.description_text).toMatch(/^Этот стильный/);
    } finally {
      kaspi.restorePage(id);
    }
  });
});
