// Statements marked PREPARED are prepared once per PostgreSQL connection and reused; others are not
// prepared. On PGlite the marker is only a comment: the same statements run and answer the same.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREPARED } from '../../src/db/prepared.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

let h: TestDatabase;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => h?.close());

describe('prepared statements', () => {
  it('a marked statement answers like the plain one, with its parameters, on every engine', async () => {
    for (const n of [1, 2, 3]) {
      const { rows } = await sql<{ x: number; y: string }>`${sql.raw(PREPARED)} select ${n}::int as x, ${`v${n}`}::text as y`.execute(h.db);
      expect(rows).toEqual([{ x: n, y: `v${n}` }]);
    }
  });

  it.skipIf(testEngine !== 'postgres')('on PostgreSQL it is prepared once per connection; unmarked ones are not', async () => {
    await h.db.connection().execute(async (c) => {
      const marked = (n: number) => sql<{ x: number }>`${sql.raw(PREPARED)} select ${n}::int + 1 as x`.execute(c);
      for (const n of [1, 2, 3]) expect((await marked(n)).rows).toEqual([{ x: n + 1 }]);
      await sql`select 42 as unmarked`.execute(c);
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(c);
      const ours = rows.filter((r) => r.statement.includes('::int + 1 as x'));
      expect(ours).toHaveLength(1);
      expect(ours[0]!.name).toMatch(/^mp_[0-9a-f]{20}$/);
      expect(rows.some((r) => r.statement.includes('unmarked'))).toBe(false);
    });
  });
});
