// --since, --city and --filter key=value, validated against a dataset's columns before any query runs.
import { UsageError } from '../core/errors.js';
import { isDecimal } from '../core/money.js';
import { parseSince, parseZonedTimestamp } from '../core/time.js';
import { columnOf, type Dataset, type ExportColumn } from './dataset.js';

export type FilterOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** One condition on one column; `value` is already checked against the column type (null = `is null`). */
export interface Condition {
  column: ExportColumn;
  op: FilterOp;
  value: string | null;
}

export interface FilterInput {
  since?: string;
  city?: string;
  /** `key=value` (also `!=`, `>`, `>=`, `<`, `<=`); an empty value after `=`/`!=` means null. */
  filter?: string[];
}

const FILTER = /^([A-Za-z_][A-Za-z0-9_]*)\s*(!=|>=|<=|=|>|<)(.*)$/s;

/** Parses and validates the filters of one export; throws UsageError naming the bad flag. */
export function buildConditions(dataset: Dataset, input: FilterInput, now: Date): Condition[] {
  const out: Condition[] = [];
  const tz = dataset.timeZone ?? 'UTC';
  if (input.since !== undefined) {
    if (!dataset.since) throw new UsageError('EXPORT_BAD_FILTER', `--since does not apply to ${dataset.name} (it has no time column)`);
    out.push({ column: columnOf(dataset, dataset.since)!, op: '>=', value: parseSince(input.since, now, tz).toISOString() });
  }
  if (input.city !== undefined) {
    if (!dataset.city) throw new UsageError('EXPORT_BAD_FILTER', `--city does not apply to ${dataset.name}`);
    const value = dataset.resolveCity ? dataset.resolveCity(input.city) : input.city.trim();
    out.push({ column: columnOf(dataset, dataset.city)!, op: '=', value });
  }
  for (const text of input.filter ?? []) {
    const m = FILTER.exec(text.trim());
    if (!m) throw new UsageError('EXPORT_BAD_FILTER', `--filter must look like key=value, got "${text}"`);
    const [, key, op, raw] = m as unknown as [string, string, FilterOp, string];
    const column = columnOf(dataset, key);
    if (!column) {
      throw new UsageError('EXPORT_BAD_FILTER', `${dataset.name} has no column "${key}"; columns: ${dataset.columns.map((c) => c.name).join(', ')}`);
    }
    if (raw === '') {
      if (op !== '=' && op !== '!=') throw new UsageError('EXPORT_BAD_FILTER', `--filter ${key}${op} needs a value`);
      out.push({ column, op, value: null });
      continue;
    }
    out.push({ column, op, value: checkValue(column, op, raw, tz) });
  }
  return out;
}

function checkValue(column: ExportColumn, op: FilterOp, raw: string, tz: string): string {
  const bad = (what: string) => new UsageError('EXPORT_BAD_FILTER', `--filter ${column.name}: "${raw}" is not ${what}`);
  const ordered = op !== '=' && op !== '!=';
  switch (column.type) {
    case 'integer':
      if (!/^-?\d+$/.test(raw.trim())) throw bad('an integer');
      return raw.trim();
    case 'decimal':
      if (!isDecimal(raw.trim())) throw bad('a number like 1500 or 1500.50');
      return raw.trim();
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (ordered) throw new UsageError('EXPORT_BAD_FILTER', `--filter ${column.name}: booleans compare with = or != only`);
      if (['true', '1', 'yes'].includes(v)) return 'true';
      if (['false', '0', 'no'].includes(v)) return 'false';
      throw bad('true or false');
    }
    case 'timestamp':
      try {
        return parseZonedTimestamp(raw, tz).toISOString();
      } catch {
        throw bad('a date like 2026-11-01 or 2026-11-01T10:00');
      }
    case 'json':
      throw new UsageError('EXPORT_BAD_FILTER', `--filter ${column.name}: JSON columns cannot be filtered`);
    default:
      return raw;
  }
}
