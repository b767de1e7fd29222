// The embedded database's wire server (src/db/embedded/wire-server.ts) with real `pg` clients:
// clients take turns per statement or transaction and never see into each other's transaction,
// a client that disconnects mid-transaction is rolled back, and advisory locks are per connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireServer } from '../../src/db/embedded/wire-server.js';
import { readSeed } from '../../src/db/pglite-seed.js';
import { testEngine } from '../support/db.js';

describe.skipIf(testEngine !== 'pglite')('the embedded database wire server', () => {
  let dir: string;
  let pglite: PGlite;
  let server: Server;
  let wire: WireServer;
  const logged: string[] = [];
  const client = async () => {
    const c = new pg.Client({ host: dir, port: 5432, user: 'mp', database: 'mp' });
    c.on('error', () => {});
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mp-wire-'));
    pglite = await PGlite.create({ loadDataDir: readSeed() });
    await pglite.exec('create table t (id int primary key, note text)');
    wire = new WireServer(pglite, {
      parameters: { server_version: '18', client_encoding: 'UTF8', TimeZone: 'UTC' },
      idleInTransactionMs: 1500,
      info: () => ({ pid: process.pid, since: 'now', dataDir: 'memory', endpoint: dir, pgliteVersion: 'test' }),
      log: (m) => logged.push(m),
    });
    server = createServer((socket) => wire.attach(socket));
    await new Promise<void>((resolve) => server.listen(join(dir, '.s.PGSQL.5432'), resolve));
  });
  afterAll(async () => {
    await wire?.close();
    await new Promise((resolve) => server?.close(resolve));
    await pglite?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a transaction is not interleaved: another client waits for its commit and never sees its uncommitted rows', async () => {
    const a = await client();
    const b = await client();
    try {
      await a.query('begin');
      await a.query('insert into t values ($1, $2)', [1, 'from a']);
      const seen: number[] = [];
      const read = b.query('select count(*)::int as n from t').then((r) => seen.push(r.rows[0].n));
      await sleep(300);
      expect(seen).toEqual([]);
      await a.query('insert into t values ($1, $2)', [2, 'from a']);
      await a.query('commit');
      await read;
      expect(seen).toEqual([2]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('a client that goes away inside a transaction is rolled back and the others carry on', async () => {
    const a = await client();
    const b = await client();
    try {
      await a.query('begin');
      await a.query('insert into t values (3, $1)', ['lost']);
      const waiting = b.query('select count(*)::int as n from t where id = 3');
      // The process dies: its socket closes without a word.
      (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      expect((await waiting).rows[0].n).toBe(0);
      // An error inside a transaction, then gone: rolled back too.
      const c = await client();
      await c.query('begin');
      await c.query('insert into t values (4, $1)', ['lost']);
      await expect(c.query('select nonsense')).rejects.toThrow();
      (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      expect((await b.query('select count(*)::int as n from t where id in (3, 4)')).rows[0].n).toBe(0);
      expect((await b.query('select $1::int + 1 as n', [41])).rows[0].n).toBe(42);
    } finally {
      await b.end();
    }
  });

  it('many clients writing at once with parameters and transactions: every row lands once', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => client()));
    try {
      await Promise.all(
        clients.map(async (c, k) => {
          for (let i = 0; i < 40; i++) {
            const id = 1000 + k * 100 + i;
            if (i % 3 === 0) {
              await c.query('begin');
              await c.query('insert into t values ($1, $2)', [id, `c${k}`]);
              await c.query('update t set note = note || $2 where id = $1', [id, '+']);
              await c.query('commit');
            } else await c.query('insert into t values ($1, $2)', [id, `c${k}`]);
          }
        }),
      );
      const { rows } = await clients[0]!.query("select count(*)::int as n, count(*) filter (where note like '%+')::int as updated from t where id >= 1000");
      expect(rows[0]).toEqual({ n: 240, updated: 6 * 14 });
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('advisory locks are per connection, released when the connection closes', async () => {
    const a = await client();
    const b = await client();
    const lock = (c: pg.Client, op: string, name: string) =>
      c.query(`/*mp:lock ${op} ${Buffer.from(name).toString('hex')}*/ select null`).then((r) => r.rows[0].ok ?? r.rows[0].held);
    try {
      expect(await lock(a, 'try', 'job:x')).toBe(true);
      expect(await lock(a, 'try', 'job:x')).toBe(true); // re-entrant in its own session, as PostgreSQL's
      expect(await lock(b, 'try', 'job:x')).toBe(false);
      expect(await lock(b, 'held', 'job:x')).toBe(true);
      expect(await lock(b, 'unlock', 'job:x')).toBe(false);
      await a.end();
      await sleep(100);
      expect(await lock(b, 'held', 'job:x')).toBe(false);
      expect(await lock(b, 'try', 'job:x')).toBe(true);
      expect(await lock(b, 'unlock', 'job:x')).toBe(true);
    } finally {
      await b.end();
    }
  });

  it('a client idle inside a transaction too long is disconnected and rolled back, so it cannot stop everyone', async () => {
    const a = await client();
    const b = await client();
    try {
      await a.query('begin');
      await a.query('insert into t values (5, $1)', ['stuck']);
      const started = Date.now();
      const { rows } = await b.query('select count(*)::int as n from t where id = 5');
      expect(rows[0].n).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(logged.some((l) => l.includes('idle in a transaction'))).toBe(true);
      await expect(a.query('commit')).rejects.toThrow();
    } finally {
      await b.end();
      await a.end().catch(() => {});
    }
  });
});
