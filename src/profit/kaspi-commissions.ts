// The Kaspi commission table mp ships: percent of the sale price by category, with its source and
// date. No official tariff table was found (../shared/reference/kaspi-operations.md §1.1); the best
// public statement is third-party code, so every rate here can be overridden in the config file
// (`kaspi.commission.default`, `kaspi.commission.categories`) and per product by `commission_pct`
// in `mp costs` (which wins over both).
import type { Config } from '../core/config.js';
import { percentPoints } from '../core/percent.js';
import { readSetting } from '../core/settings.js';
import { InputError } from '../core/validate.js';

export interface CommissionRate {
  /** A Kaspi category name as it appears in a product's category path or an order entry's category. */
  category: string;
  /** Percent of the sale price, VAT included (what Kaspi debits). */
  pct: string;
  /** The same rate before VAT, as the source gives it (for reference; not used). */
  pctWithoutVat?: string;
  note?: string;
}

export interface CommissionTable {
  source: string;
  /** When the source was last changed (YYYY-MM-DD). */
  date: string;
  basis: string;
  /** For every category not listed. */
  defaultPct: string;
  defaultPctWithoutVat?: string;
  categories: readonly CommissionRate[];
}

export const KASPI_COMMISSIONS: CommissionTable = {
  source:
    'Admjral/cube-demper-full new-backend/app/routers/unit_economics.py @ f1892b5ab11eda9c1a5f1fe01aa184db4474aa73 ' +
    '("Based on Kaspi.kz tariffs 2026"; third-party code, no official tariff table was found)',
  date: '2026-02-15',
  basis:
    'percent of the sale price with VAT: the "with_vat" column of the source; Kaspi\'s contract §3.1 says its service prices include VAT, so this is what is debited',
  defaultPct: '12.5',
  defaultPctWithoutVat: '10.9',
  categories: [
    { category: 'Продукты питания', pct: '7.3', pctWithoutVat: '6.4', note: 'every subcategory' },
    { category: 'Лекарства', pct: '7.3', pctWithoutVat: '6.4', note: 'Аптека → Лекарства only; the rest of Аптека is the default rate' },
    { category: 'Аксессуары для телефонов', pct: '15.5', pctWithoutVat: '13.5', note: 'Телефоны и гаджеты → Аксессуары для телефонов' },
    { category: 'Чехлы для наушников', pct: '15.5', pctWithoutVat: '13.5', note: 'ТВ, Аудио, Видео → Чехлы для наушников' },
    // The source also puts "some subcategories" of Аксессуары at 15.5 % without naming them: left at the default.
  ],
};

/** The table in effect: the shipped one with the config file's default and categories over it. */
export function commissionTable(config: Config): CommissionTable {
  const fromEnvOrFile = readSetting(config, 'kaspi.commission.default');
  const defaultPct = fromEnvOrFile ?? KASPI_COMMISSIONS.defaultPct;
  const overrides = configCategories(config);
  const categories = [...KASPI_COMMISSIONS.categories.filter((c) => !overrides.some((o) => o.category === c.category)), ...overrides];
  const changed = fromEnvOrFile !== undefined || overrides.length > 0;
  return {
    ...KASPI_COMMISSIONS,
    source: changed ? `${KASPI_COMMISSIONS.source}; overridden by the config` : KASPI_COMMISSIONS.source,
    defaultPct,
    categories,
  };
}

/** `kaspi.commission.categories` of the config file: `{ "<category>": <percent>, … }`. */
function configCategories(config: Config): CommissionRate[] {
  const kaspi = config.file.kaspi as Record<string, unknown> | undefined;
  const commission = kaspi && typeof kaspi === 'object' ? (kaspi.commission as Record<string, unknown> | undefined) : undefined;
  const categories = commission && typeof commission === 'object' ? commission.categories : undefined;
  if (categories === undefined || categories === null) return [];
  if (typeof categories !== 'object' || Array.isArray(categories)) {
    throw new InputError('kaspi.commission.categories', 'must be an object of "category": percent', { code: 'CONFIG_INVALID', value: categories });
  }
  return Object.entries(categories as Record<string, unknown>).map(([category, pct]) => ({
    category,
    pct: percentPoints(pct, `kaspi.commission.categories["${category}"]`),
    note: 'config',
  }));
}

/**
 * The rate for a product: the most specific element of its category path (leaf first) that the
 * table names, else its order entry's category, else the default.
 */
export function rateFor(table: CommissionTable, categoryPath: readonly string[], entryCategory?: string | null): { pct: string; category: string | null } {
  for (const name of [...categoryPath].reverse()) {
    const hit = table.categories.find((c) => c.category === name);
    if (hit) return { pct: hit.pct, category: hit.category };
  }
  const hit = entryCategory ? table.categories.find((c) => c.category === entryCategory) : undefined;
  if (hit) return { pct: hit.pct, category: hit.category };
  return { pct: table.defaultPct, category: null };
}
