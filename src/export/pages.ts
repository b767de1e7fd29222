// Reads a dataset in keyset pages. PGlite has no server-side cursors and one connection, so instead
// of a cursor every page is its own short query: `where key > <last key> order by key limit n`.
// Memory stays at about two pages (the one being written and the one being fetched) on both engines.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { type ColumnType, columnOf, type Dataset, type ExportColumn } from './dataset.js';
import type { Condition } from './filters.js';

export type Row = Record<string, unknown>;

export const DEFAULT_PAGE_SIZE = 5000;

const CAST: Record<ColumnType, string> = {
  text: 'text',
  integer: 'bigint',
  decimal: 'numeric',
  timestamp: 'timestamptz',
  boolean: 'boolean',
  json: 'jsonb',
};

function conditionSql(c: Condition): RawBuilder<unknown> {
  const col = sql.ref(`d.${c.column.name}`);
  if (c.value === null) return c.op === '=' ? sql`${col} is null` : sql`${col} is not null`;
  const value = sql`cast(${c.value} as ${sql.raw(CAST[c.column.type])})`;
  // "not equal" should keep rows where the column is null, as a user reading the file expects.
  if (c.op === '!=') return sql`${col} is distinct from ${value}`;
  return sql`${col} ${sql.raw(c.op)} ${value}`;
}

/**
 * A column of the page. Timestamps leave PostgreSQL as ISO 8601 UTC text with milliseconds (what
 * CSV and JSON write; the XLSX writer makes a Date of it): parsing a Date per value in JS and
 * formatting it again cost about 1.5 s of CPU per million rows. Outside years 1–9999 (infinity,
 * BC) to_char has no ISO form: such a value comes as PostgreSQL's own text and values.ts refuses it.
 */
function selectColumn(c: ExportColumn): RawBuilder<unknown> {
  const ref = sql.ref(`d.${c.name}`);
  if (c.type !== 'timestamp') return ref;
  return sql`case when ${ref} >= ${sql.lit(ISO_FIRST)}::timestamptz and ${ref} < ${sql.lit(ISO_END)}::timestamptz
    then to_char(${ref} at time zone 'UTC', ${sql.lit(ISO_UTC_FORMAT)}) else ${ref}::text end as ${sql.ref(c.name)}`;
}

const ISO_UTC_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
const ISO_FIRST = '0001-01-01T00:00:00Z';
const ISO_END = '10000-01-01T00:00:00Z';

function pageQuery(db: Kysely<Database>, dataset: Dataset, conditions: readonly Condition[], after: string | undefined, limit: number) {
  const key = columnOf(dataset, dataset.key)!;
  const where = [...conditions.map(conditionSql)];
  if (after !== undefined) where.push(sql`${sql.ref(`d.${key.name}`)} > cast(${after} as ${sql.raw(CAST[key.type])})`);
  const columns = sql.join(dataset.columns.map(selectColumn));
  const filter = where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  return sql<Row>`select ${columns} from (${dataset.query(db)}) as d ${filter} order by ${sql.ref(`d.${key.name}`)} limit ${limit}`;
}

function keyParam(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Yields the dataset's rows that match `conditions`, page by page, in key order. */
export async function* keysetPages(
  db: Kysely<Database>,
  dataset: Dataset,
  conditions: readonly Condition[],
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<Row[]> {
  const fetch = (after: string | undefined) =>
    pageQuery(db, dataset, conditions, after, pageSize)
      .execute(db)
      .then((r) => r.rows);
  let next: Promise<Row[]> | undefined = fetch(undefined);
  try {
    while (next) {
      const rows: Row[] = await next;
      next = undefined;
      if (rows.length === 0) return;
      // Fetch the next page while the caller writes this one.
      if (rows.length === pageSize) {
        next = fetch(keyParam(rows[rows.length - 1]![dataset.key]));
        next.catch(() => {}); // reported when awaited; never an unhandled rejection if the caller stops early
      }
      yield rows;
    }
  } finally {
    // The caller stopped early (an error while writing): let the prefetched query settle first.
    if (next) await next.catch(() => {});
  }
}
