// Customer names and phones are personal data: every output shows them masked. The TypeScript
// functions mask what commands print; the SQL expressions mask the same way inside export queries,
// so the raw values never leave the database.
import { type RawBuilder, sql } from 'kysely';
import { maskSecret } from '../core/secrets.js';

/** "Айгерим Касымова" → "А*** К***". */
export function maskName(name: string | null | undefined): string {
  if (!name) return '';
  return name
    .trim()
    .split(/\s+/)
    .map((w) => `${[...w][0] ?? ''}***`)
    .join(' ');
}

/** "77011234567" → "****4567". */
export function maskPhone(phone: string | null | undefined): string {
  return maskSecret(phone ?? '', 4);
}

/** `maskName` in SQL over a column reference like `o.customer_name` (null stays null). */
export function maskNameSql(column: string): RawBuilder<string | null> {
  const c = sql.ref(column);
  return sql<
    string | null
  >`case when ${c} is null or btrim(${c}) = '' then null else (select string_agg(left(w, 1) || '***', ' ' order by n) from regexp_split_to_table(btrim(${c}), '\\s+') with ordinality as t(w, n)) end`;
}

/** `maskPhone` in SQL (null stays null). */
export function maskPhoneSql(column: string): RawBuilder<string | null> {
  const c = sql.ref(column);
  return sql<string | null>`case when ${c} is null or ${c} = '' then null when length(${c}) <= 4 then '****' else '****' || right(${c}, 4) end`;
}
