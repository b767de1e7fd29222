// `mp kaspi orders` and GET /api/v1/kaspi/stores/{store}/orders: stored orders of a store, newest
// first, times in Almaty and UTC, customers masked. The page is made by one statement for both
// (order.repository.ts: the store and the page for the API, the page of a resolved store for the
// command); the API writes its JSON text out as it is.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { visibleStore } from '../kaspi/merchant/stores.service.js';
import { type OrderFilter, storeOrdersPage as ordersOfStorePage, ordersPage, storeOrdersVersion as ordersVersionOfStore } from './order.repository.js';

/** An order as `mp kaspi orders --json` and the REST API show it. */
export interface OrderView {
  code: string;
  createdAlmaty: string;
  /** ISO UTC. */
  createdAt: string;
  state: string;
  status: string;
  /** Decimal text. */
  totalPrice: string;
  units: number;
  products: string;
  deliveryMode: string | null;
  plannedDeliveryDate: string | null;
  approvedAt: string | null;
  preOrder: boolean;
  pickupPointId: string | null;
  city: string | null;
  customer: string;
  phone: string;
}

/**
 * The store `ref` names, for `user` (STORE_NOT_FOUND, or for another user's store an
 * OtherUsersObjectError: 403 over HTTP), and one page of its orders (`limit`, default 1000, and
 * `offset` in the filter) as JSON array text, with how many match in all, the oldest matched
 * order's creation time (null: none) and the version of the store's orders it is the page of: one statement.
 */
export async function storeOrdersPage(db: Kysely<Database>, ref: string, user: string | undefined, filter: OrderFilter) {
  pageStatements.runs++;
  const page = await ordersOfStorePage(db, ref, user, filter);
  return { store: visibleStore(page?.found, ref), version: page!.version, items: page!.items, total: page!.total, oldest: page!.oldest };
}

/**
 * The store `ref` names, for `user` (errors as storeOrdersPage), and the version of its orders
 * (sql/0031: changes with every committed statement that changed them): one cheap statement.
 */
export async function storeOrdersVersion(db: Kysely<Database>, ref: string, user: string | undefined) {
  const found = await ordersVersionOfStore(db, ref, user);
  return { store: visibleStore(found?.found, ref), version: found!.version };
}

/** How many times storeOrdersPage ran its statement (tests: a cached page must not run it). */
export const pageStatements = { runs: 0 };

/** Orders in the window with their units and products; customer fields masked. */
export async function ordersReport(db: Kysely<Database>, storeId: string, filter: OrderFilter): Promise<OrderView[]> {
  return JSON.parse((await ordersPage(db, storeId, filter)).items) as OrderView[];
}
