import type { Generated } from 'kysely';

/** Tables of sql/0001_foundation.sql. */
export interface CoreTables {
  app_meta: AppMetaTable;
}

export interface AppMetaTable {
  key: string;
  value: string;
  updated_at: Generated<Date>;
}
