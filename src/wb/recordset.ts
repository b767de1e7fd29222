// Batched writes: a chunk of rows travels as ONE jsonb parameter and is expanded server-side with
// jsonb_to_recordset, so a 100,000-row page is ~20 statements, not 100,000, and no statement nears
// PostgreSQL's 65,535-parameter limit. Works the same on PGlite and PostgreSQL.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

export type Db = Kysely<Database>;

export interface RecordsetUpsert {
  table: string;
  cabinetId: string;
  /** [column, SQL type] for every column taken from the rows (cabinet_id is added). */
  columns: readonly (readonly [string, string])[];
  /** Conflict key columns besides cabinet_id. */
  key: readonly string[];
  /** Extra condition for the update, e.g. only when the incoming row is not older. */
  updateWhere?: string;
  chunkSize?: number;
}

/** Inserts or updates rows by (cabinet_id, key…) in chunks; sets updated_at on updates. */
export async function upsertRecordset(db: Db, spec: RecordsetUpsert, rows: readonly object[]): Promise<void> {
  const names = spec.columns.map(([c]) => c);
  const defs = spec.columns.map(([c, t]) => `${c} ${t}`).join(', ');
  const sets = names.filter((c) => !spec.key.includes(c)).map((c) => `${c} = excluded.${c}`);
  const conflict = `on conflict (cabinet_id, ${spec.key.join(', ')}) do update set ${[...sets, 'updated_at = now()'].join(', ')}${spec.updateWhere ? ` where ${spec.updateWhere}` : ''}`;
  const head = sql.raw(`insert into ${spec.table} (cabinet_id, ${names.join(', ')}) select `);
  const tail = sql.raw(`::bigint, ${names.map((c) => `x.${c}`).join(', ')} from jsonb_to_recordset(`);
  const close = sql.raw(`::jsonb) as x(${defs}) ${conflict}`);
  const size = spec.chunkSize ?? 5000;
  for (let i = 0; i < rows.length; i += size) {
    const json = JSON.stringify(rows.slice(i, i + size));
    await sql`${head}${spec.cabinetId}${tail}${json}${close}`.execute(db);
  }
}

/** The values of `column` for rows of a cabinet whose key is among `keys` (one query per chunk). */
export async function selectExisting<T>(db: Db, table: string, cabinetId: string, keyColumn: string, columns: string, keys: readonly string[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += 20_000) {
    const json = JSON.stringify(keys.slice(i, i + 20_000));
    const result =
      await sql<T>`select ${sql.raw(columns)} from ${sql.raw(table)} where cabinet_id = ${cabinetId}::bigint and ${sql.raw(keyColumn)} in (select jsonb_array_elements_text(${json}::jsonb))`.execute(
        db,
      );
    out.push(...result.rows);
  }
  return out;
}
