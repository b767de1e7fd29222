// `mp costs import` as a subprocess on a file saved by Russian-locale Excel (cp1251, `;`, decimal
// commas): the Cyrillic product names arrive intact (they were garbled with exit 0 before), a wrong
// --encoding is refused, and an unknown one is a usage error before anything runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/imports/${name}`, import.meta.url));

describe('imports detect the encoding (subprocess)', { timeout: 180_000 }, () => {
  let home: string;
  let handle: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-imports-'));
    env = { MP_HOME: home };
    if (testEngine === 'postgres') {
      handle = await createTestDatabase();
      env.DATABASE_URL = handle.url;
    }
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('a cp1251 CSV imports with its Cyrillic names; --encoding utf8 refuses it (exit 1), --encoding latin1 is usage (exit 2)', async () => {
    const file = fixture('costs-excel-ru.cp1251.csv');
    const usage = await runMp(['costs', 'import', '--file', file, '--encoding', 'latin1'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--encoding must be auto, utf8 or cp1251');
    const wrong = await runMp(['costs', 'import', '--file', file, '--encoding', 'utf8'], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/is not UTF-8 text; .*--encoding cp1251/);

    const r = await runMp(['costs', 'import', '--file', file, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 2, kaspi: 1, wb: 1 });
    const list = await runMp(['costs', 'list', '--history', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<{ product: string; cost: string }>;
    expect(rows.map((row) => row.product).sort()).toEqual(['Платье-синее-42', 'Чайник «Ёлка» №5']);
    expect(rows.find((row) => row.product === 'Платье-синее-42')?.cost).toBe('1234.50');
  });
});
