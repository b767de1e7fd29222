// All SQL for wb_cards.
import type { ParsedCard } from './content-parser.js';
import { type Db, upsertRecordset } from './recordset.js';

const CARD_COLUMNS = [
  ['nm_id', 'bigint'],
  ['imt_id', 'bigint'],
  ['vendor_code', 'text'],
  ['brand', 'text'],
  ['title', 'text'],
  ['subject_name', 'text'],
  ['photo_url', 'text'],
  ['sizes', 'jsonb'],
  ['card_updated_at', 'timestamptz'],
] as const;

export async function upsertCards(db: Db, cabinetId: string, rows: readonly ParsedCard[]): Promise<void> {
  await upsertRecordset(db, { table: 'wb_cards', cabinetId, columns: CARD_COLUMNS, key: ['nm_id'] }, rows);
}

export async function countCards(db: Db, cabinetId: string): Promise<number> {
  const r = await db
    .selectFrom('wb_cards')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cabinet_id', '=', cabinetId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Cards by nmId (all of the cabinet's when no ids are given). */
export async function cardsByNm(db: Db, cabinetId: string, nmIds?: readonly string[]) {
  let q = db
    .selectFrom('wb_cards')
    .select(['nm_id', 'title', 'vendor_code', 'brand', 'subject_name', 'photo_url', 'sizes'])
    .where('cabinet_id', '=', cabinetId);
  if (nmIds) {
    if (nmIds.length === 0) return new Map();
    q = q.where('nm_id', 'in', [...new Set(nmIds)]);
  }
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.nm_id, r]));
}
