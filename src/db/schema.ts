// The Kysely `Database` type: one interface per migrated table, grouped by domain in src/db/schema/.
// test/db/schema.test.ts migrates a fresh database and checks every table and column named here.
import type { CoreTables } from './schema/core.js';
import type { CostTables } from './schema/costs.js';
import type { DemperTables } from './schema/demper.js';
import type { JobTables } from './schema/jobs.js';
import type { KaspiTables } from './schema/kaspi.js';
import type { KaspiOrderTables } from './schema/kaspi-orders.js';
import type { NotifyTables } from './schema/notify.js';
import type { PayoutTables } from './schema/payouts.js';
import type { ServeTables } from './schema/serve.js';
import type { WbTables } from './schema/wb.js';

export interface Database
  extends CoreTables,
    KaspiTables,
    PayoutTables,
    DemperTables,
    JobTables,
    WbTables,
    NotifyTables,
    KaspiOrderTables,
    CostTables,
    ServeTables {}
