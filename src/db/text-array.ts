// PostgreSQL array literals built once per array in one pass ('{"a","b",NULL}'), for unnest() parameters
// of batch writes: `pg` otherwise encodes an array parameter element by element (prepareValue and a
// regex escape per element: ~5% of the Kaspi scrape's CPU for 150 offers × 9 columns). The literal is
// sent as text and cast by the statement (`${textArray(xs)}::text[]`, `::bigint[]`); PGlite passes a
// string parameter through as it is, so both engines read the same literal.

const NEEDS_ESCAPE = /["\\]/;
const ESCAPE = /["\\]/g;

/** The array literal of `values`: each element quoted (and escaped), null as NULL. */
export function textArray(values: readonly (string | number | boolean | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) {
      out += 'NULL';
      continue;
    }
    const s = String(v);
    out += NEEDS_ESCAPE.test(s) ? `"${s.replace(ESCAPE, '\\$&')}"` : `"${s}"`;
  }
  return `${out}}`;
}
