// `mp kaspi orders` and GET /api/v1/kaspi/stores/{store}/orders: stored orders of a store, newest
// first, times in Almaty and UTC, customers masked. The page is made by one statement
// (order.repository.ts ordersPage) for both: the API writes its JSON text out as it is.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { type OrderFilter, ordersPage } from './order.repository.js';

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

/** One page of the orders (`limit`, default 1000, and `offset` in the filter) as JSON array text, and how many match in all. */
export async function ordersReportPage(db: Kysely<Database>, storeId: string, filter: OrderFilter): Promise<{ items: string; total: number }> {
  return ordersPage(db, storeId, filter);
}

/** Orders in the window with their units and products; customer fields masked. */
export async function ordersReport(db: Kysely<Database>, storeId: string, filter: OrderFilter): Promise<OrderView[]> {
  return JSON.parse((await ordersPage(db, storeId, filter)).items) as OrderView[];
}
