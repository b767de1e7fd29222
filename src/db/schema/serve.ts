import type { Generated } from 'kysely';

/** Tables of sql/0022_api_tokens.sql: the REST API's tokens. */
export interface ServeTables {
  api_tokens: ApiTokensTable;
}

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  user_id: string;
  scopes: string[];
  token_hash: string;
  prefix: string;
  rate_per_s: number | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}
