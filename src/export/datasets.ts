// The registry of `mp export` datasets.
//
// Adding a dataset is a one-file job:
//   1. In src/export/datasets/<domain>.ts declare it with `defineDataset({...})`:
//        name         kebab-case with the domain prefix: `wb-orders`, `payouts`
//        description  one line, shown by `mp export` without arguments
//        columns      [{ name, type, from? }] in file order; type is text | integer | decimal (money;
//                     `scale` = digits shown in XLSX) | timestamp | boolean | json; `from` = where it is
//                     read: a column reference (`p.kaspi_id`) or an sql`…` expression
//        key          a unique non-null indexed column to page by (usually the table's id)
//        since        the timestamp column `--since` filters on (optional)
//        city         the column `--city` filters on, with `resolveCity` (optional)
//        timeZone     zone for dates typed without an offset (WB: MOSCOW, Kaspi: ALMATY)
//        source(db)   the FROM and JOINs (no select, order by or limit: the select list follows from
//                     the columns, the runner adds filters, keyset and order); `alias` = the table a
//                     column without `from` is read from. Or, for aggregates, query(db): a Kysely
//                     select of exactly the columns, aliased to their names.
//   2. Add the exported datasets to DATASETS below.
// Every format (json, ndjson, csv, xlsx), `--filter key=value` on every column and the streaming,
// temp-file-and-rename behaviour then come for free. test/export/ shows how to test one.
import { UsageError } from '../core/errors.js';
import type { Dataset } from './dataset.js';
import { costDatasets } from './datasets/costs.js';
import { demperDatasets } from './datasets/demper.js';
import { kaspiDatasets } from './datasets/kaspi.js';
import { kaspiOrderDatasets } from './datasets/kaspi-orders.js';
import { payoutDatasets } from './datasets/payouts.js';
import { profitDatasets } from './datasets/profit.js';
import { wbDatasets } from './datasets/wb.js';

export const DATASETS: readonly Dataset[] = [
  ...kaspiDatasets,
  ...kaspiOrderDatasets,
  ...demperDatasets,
  ...payoutDatasets,
  ...wbDatasets,
  ...costDatasets,
  ...profitDatasets,
];

/** The dataset called `name`; a usage error listing the known ones otherwise. */
export function findDataset(name: string): Dataset {
  const found = DATASETS.find((d) => d.name === name);
  if (!found) {
    throw new UsageError('EXPORT_UNKNOWN_DATASET', `no dataset named "${name}"; datasets: ${DATASETS.map((d) => d.name).join(', ')}`, {
      hint: 'run `mp export` to list them',
    });
  }
  return found;
}
