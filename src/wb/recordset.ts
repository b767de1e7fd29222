// Batched writes: a chunk of rows travels as ONE json parameter and is expanded server-side with
// json_to_recordset (json, not jsonb: no binary conversion of the whole document first), so a 100,000-row page is ~20 statements, not 100,000, and no statement nears
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

export interface UpsertResult {
  inserted: number;
  updated: number;
  /** The first key column of the rows that were inserted (not updated). */
  insertedKeys: string[];
}

/** Inserts or updates rows by (cabinet_id, key…) in chunks; sets updated_at on updates. */
export async function upsertRecordset(db: Db, spec: RecordsetUpsert, rows: readonly object[]): Promise<UpsertResult> {
  const names = spec.columns.map(([c]) => c);
  const defs = spec.columns.map(([c, t]) => `${c} ${t}`).join(', ');
  const sets = names.filter((c) => !spec.key.includes(c)).map((c) => `${c} = excluded.${c}`);
  const conflict = `on conflict (cabinet_id, ${spec.key.join(', ')}) do update set ${[...sets, 'updated_at = now()'].join(', ')}${spec.updateWhere ? ` where ${spec.updateWhere}` : ''}`;
  const head = sql.raw(`insert into ${spec.table} (cabinet_id, ${names.join(', ')}) select `);
  const tail = sql.raw(`::bigint, ${names.map((c) => `x.${c}`).join(', ')} from json_to_recordset(`);
  // xmax = 0 only on a freshly inserted row version: tells inserts from updates without a pre-read.
  const close = sql.raw(`::json) as x(${defs}) ${conflict} returning ${spec.key[0]}::text as k, (xmax = 0) as inserted`);
  const size = spec.chunkSize ?? 5000;
  const result: UpsertResult = { inserted: 0, updated: 0, insertedKeys: [] };
  for (let i = 0; i < rows.length; i += size) {
    const json = JSON.stringify(rows.slice(i, i + size));
    const { rows: out } = await sql<{ k: string; inserted: boolean }>`${head}${spec.cabinetId}${tail}${json}${close}`.execute(db);
    for (const r of out) {
      if (r.inserted) {
        result.inserted++;
        result.insertedKeys.push(r.k);
      } else result.updated++;
    }
  }
  return result;
}

/** The values of `column` for rows of a cabinet whose key is among `keys` (one query per chunk). */
export async function selectExisting<T>(db: Db, table: string, cabinetId: string, keyColumn: string, columns: string, keys: readonly string[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += 20_000) {
    const json = JSON.stringify(keys.slice(i, i + 20_000));
    const result =
      await sql<T>`select ${sql.raw(columns)} from ${sql.raw(table)} where cabinet_id = ${cabinetId}::bigint and ${sql.raw(keyColumn)} in (select json_array_elements_text(${json}::json))`.execute(
        db,
      );
    out.push(...result.rows);
  }
  return out;
}
