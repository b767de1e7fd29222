// keepEmbeddedDatabaseOpen (mp demo's steps in one process): every open of that embedded database
// gets the one handle, their close() leaves it open, and the release closes it for real.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { keepEmbeddedDatabaseOpen, openDatabase } from '../../src/db/connect.js';
import { testEngine } from '../support/db.js';

describe.skipIf(testEngine !== 'pglite')('keepEmbeddedDatabaseOpen', () => {
  it('hands the kept handle to every open of that home until released', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mp-shared-db-'));
    try {
      const config = resolveConfig({}, { MP_HOME: home });
      const release = await keepEmbeddedDatabaseOpen(config);
      const a = await openDatabase(config);
      await a.db
        .insertInto('job_runs')
        .values({ job: 't.shared', host: 'h', pid: 1, started_at: new Date(), status: 'running' } as never)
        .execute();
      await a.close();
      // Still open, and the same database.
      const b = await openDatabase({ ...config, lockTimeoutMs: 200 });
      expect(b.db).toBe(a.db);
      expect((await b.db.selectFrom('job_runs').select('job').execute()).map((r) => r.job)).toEqual(['t.shared']);
      await b.close();
      await release();
      // Released: the next open is a real one (and sees the row on disk).
      const d = await openDatabase(config);
      expect(d.db).not.toBe(a.db);
      expect(await d.db.selectFrom('job_runs').select('job').execute()).toHaveLength(1);
      await d.close();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);
});
