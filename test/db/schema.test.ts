// The Kysely types in src/db/schema.ts must match the migrated schema: every table and column they
// name exists, with a compatible type and nullability.
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

interface DeclaredColumn {
  table: string;
  column: string;
  tsType: string;
}

function declaredColumns(): DeclaredColumn[] {
  const file = fileURLToPath(new URL('../../src/db/schema.ts', import.meta.url));
  const program = ts.createProgram([file], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const db = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Database');
  if (!db) throw new Error('src/db/schema.ts has no Database interface');
  const out: DeclaredColumn[] = [];
  for (const table of checker.getTypeAtLocation(db).getProperties()) {
    const tableType = checker.getTypeOfSymbol(table);
    for (const column of tableType.getProperties()) {
      out.push({ table: table.name, column: column.name, tsType: checker.typeToString(checker.getTypeOfSymbol(column)) });
    }
  }
  return out;
}

/** Which PostgreSQL data types a TypeScript column type may stand for. */
function compatible(tsType: string, pgType: string, nullable: boolean): string | undefined {
  // Generated<T> / ColumnType<S, I, U>: the select type is what matters.
  const selectType = tsType.replace(/^Generated<(.*)>$/, '$1').replace(/^ColumnType<([^,]*),.*>$/, '$1');
  const parts = selectType.split('|').map((p) => p.trim());
  const allowsNull = parts.includes('null');
  if (nullable && !allowsNull) return `is nullable in SQL but ${tsType} has no null`;
  if (!nullable && allowsNull) return `is NOT NULL in SQL but ${tsType} allows null`;
  const base = parts.filter((p) => p !== 'null');
  const ok = base.every((p) => {
    if (p === 'string' || /^"/.test(p))
      return ['text', 'character varying', 'uuid', 'numeric', 'bigint', 'date', 'character', 'inet', 'citext'].includes(pgType);
    if (p === 'number') return ['integer', 'smallint', 'real', 'double precision'].includes(pgType);
    if (p === 'boolean' || p === 'true' || p === 'false') return pgType === 'boolean';
    if (p === 'Date') return pgType.startsWith('timestamp');
    if (p === 'string[]') return pgType === 'ARRAY';
    if (p === 'number[]') return pgType === 'ARRAY';
    if (p === 'Buffer') return pgType === 'bytea';
    return ['json', 'jsonb'].includes(pgType);
  });
  return ok ? undefined : `has SQL type ${pgType}, not compatible with ${tsType}`;
}

// The TypeScript compiler reads the whole schema: seconds on an idle machine, far more under load.
describe('schema.ts matches the migrated database', { timeout: 180_000 }, () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('declares every table and column with a compatible type', async () => {
    const declared = declaredColumns();
    expect(declared.length).toBeGreaterThan(0);
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>`
      select table_name, column_name, data_type, is_nullable from information_schema.columns where table_schema = current_schema()`.execute(handle.db);
    const actual = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const problems: string[] = [];
    for (const d of declared) {
      const col = actual.get(`${d.table}.${d.column}`);
      if (!col) {
        problems.push(`${d.table}.${d.column} is declared but missing in the database`);
        continue;
      }
      const problem = compatible(d.tsType, col.data_type, col.is_nullable === 'YES');
      if (problem) problems.push(`${d.table}.${d.column} ${problem}`);
    }
    // And the other way round: every migrated table is typed (Kysely's own tables aside).
    const declaredTables = new Set(declared.map((d) => d.table));
    for (const r of rows) {
      if (r.table_name.startsWith('kysely_')) continue;
      if (!declaredTables.has(r.table_name)) problems.push(`table ${r.table_name} is migrated but not declared in schema.ts`);
      else if (!declared.some((d) => d.table === r.table_name && d.column === r.column_name))
        problems.push(`${r.table_name}.${r.column_name} is migrated but not declared in schema.ts`);
    }
    expect(problems).toEqual([]);
  });
});
