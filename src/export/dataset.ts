// What an export dataset is: a name, typed columns and one base query. Every format (JSON, NDJSON,
// CSV, XLSX) and every filter (--since, --city, --filter) is derived from this declaration.
import type { Kysely, RawBuilder, SelectQueryBuilder } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Column types, and how each travels: `integer` → JSON number, XLSX number; `decimal` (money) →
 * JSON string (exact), XLSX number with a number format; `timestamp` → ISO 8601 UTC, XLSX date;
 * `boolean`; `json` → JSON value, a JSON text in CSV/XLSX; `text`.
 */
export type ColumnType = 'text' | 'integer' | 'decimal' | 'timestamp' | 'boolean' | 'json';

export interface ExportColumn {
  /** The name in every format (the header), and the alias the base query selects it under. */
  name: string;
  type: ColumnType;
  description?: string;
  /** decimal only: digits shown after the point in XLSX (default 2; Kaspi tenge use 0). */
  scale?: number;
  /**
   * How a spreadsheet shows the value (JSON and CSV keep the type's form): `date` — a text
   * YYYY-MM-DD written as a date cell; `percent` — a decimal in percentage points (12.5 = 12.5 %)
   * written as the fraction (0.125) with a percent format.
   */
  show?: 'date' | 'percent';
  /** Only there for paging (a composite key): left out of spreadsheets. */
  internal?: boolean;
  /**
   * For a dataset declared with `source`: where the column is read, a column reference (`p.kaspi_id`)
   * or an SQL expression; default: the column of the same name in the `alias` table.
   */
  from?: string | RawBuilder<unknown>;
}

export interface Dataset {
  /** kebab-case, prefixed by the domain: `kaspi-offers`, `wb-orders`. */
  name: string;
  /** One line for `mp export` (the list of datasets). */
  description: string;
  columns: readonly ExportColumn[];
  /**
   * A unique, non-null column to page by (keyset: `where key > last order by key limit n`); an
   * indexed id keeps every page an index range scan.
   */
  key: string;
  /** The timestamp column `--since` filters on; absent ⇒ `--since` is refused. */
  since?: string;
  /** The column `--city` filters on; absent ⇒ `--city` is refused. */
  city?: string;
  /** Turns what the user typed after `--city` into the stored value (e.g. `astana` → `710000000`). */
  resolveCity?: (text: string) => string;
  /** Time zone for dates typed in `--since`/`--filter` without an offset (default UTC). */
  timeZone?: string;
  /**
   * The base query: selects every column under its `name` and nothing else. The export runner
   * wraps it (`select * from (<query>) d where … order by d.<key> limit n`); PostgreSQL pulls the
   * subquery up, so the filters and the keyset reach the indexes of the underlying tables.
   */
  query(db: Kysely<Database>): SelectQueryBuilder<Database, any, any>;
}

/**
 * A dataset whose select list follows from its columns: `source` gives the FROM and JOINs, each
 * column says where it is read (`from`, default `<alias>.<name>`), so no column is listed twice.
 */
export interface SourcedDataset extends Omit<Dataset, 'query'> {
  source(db: Kysely<Database>): SelectQueryBuilder<Database, any, {}>;
  /** The table (alias) a column without `from` is read from; none: the bare column name. */
  alias?: string;
}

/** The select list of `columns`: each read from its `from` (or `<alias>.<name>`) under its name. */
export function selectList(columns: readonly ExportColumn[], alias?: string): any[] {
  return columns.map((c) => {
    if (c.from !== undefined && typeof c.from !== 'string') return c.from.as(c.name);
    const ref = c.from ?? (alias ? `${alias}.${c.name}` : c.name);
    return ref === c.name || ref.endsWith(`.${c.name}`) ? ref : `${ref} as ${c.name}`;
  });
}

/** Declares a dataset (checks the declaration's shape once); with `source`, derives its query. */
export function defineDataset(declared: Dataset | SourcedDataset): Dataset {
  const dataset: Dataset =
    'source' in declared
      ? (({ source, alias, ...rest }) => ({ ...rest, query: (db: Kysely<Database>) => source(db).select(selectList(rest.columns, alias)) }))(declared)
      : declared;
  const names = new Set(dataset.columns.map((c) => c.name));
  if (names.size !== dataset.columns.length) throw new Error(`dataset ${dataset.name}: duplicate column names`);
  for (const ref of [dataset.key, dataset.since, dataset.city]) {
    if (ref !== undefined && !names.has(ref)) throw new Error(`dataset ${dataset.name}: "${ref}" is not one of its columns`);
  }
  if (dataset.since && dataset.columns.find((c) => c.name === dataset.since)?.type !== 'timestamp') {
    throw new Error(`dataset ${dataset.name}: since column "${dataset.since}" must be a timestamp`);
  }
  return dataset;
}

export function columnOf(dataset: Dataset, name: string): ExportColumn | undefined {
  return dataset.columns.find((c) => c.name === name);
}
