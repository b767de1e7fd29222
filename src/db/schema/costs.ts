import type { Generated } from 'kysely';

/** Tables of sql/0021_unit_costs.sql. */
export interface CostTables {
  unit_costs: UnitCostsTable;
}

export interface UnitCostsTable {
  id: Generated<string>;
  marketplace: 'kaspi' | 'wb';
  product: string;
  /** A calendar date (YYYY-MM-DD) in the marketplace's zone; read back as text (see costs.repository). */
  valid_from: string;
  cost: string;
  currency: string;
  commission_pct: string | null;
  delivery: string | null;
  source: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
