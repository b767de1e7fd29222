// `mp kaspi orders`: stored orders of a store, newest first, times in Almaty, customers masked.
import type { Kysely } from 'kysely';
import { ALMATY, formatZoned } from '../core/time.js';
import type { Database } from '../db/schema.js';
import { maskName, maskPhone } from './mask.js';
import { countOrders, listOrders, type OrderFilter } from './order.repository.js';

/** Orders in the window with their units and products; customer fields masked. */
export async function ordersReport(db: Kysely<Database>, storeId: string, filter: OrderFilter) {
  const rows = await listOrders(db, storeId, filter);
  return rows.map((r) => ({
    code: r.code,
    createdAlmaty: formatZoned(r.created_at, ALMATY),
    createdAt: r.created_at,
    state: r.state,
    status: r.status,
    totalPrice: r.total_price,
    units: Number(r.units),
    products: r.products ?? '',
    deliveryMode: r.delivery_mode,
    plannedDeliveryDate: r.planned_delivery_date,
    approvedAt: r.approved_at,
    preOrder: r.pre_order,
    pickupPointId: r.pickup_point_id,
    city: r.city,
    customer: maskName(r.customer_name),
    phone: maskPhone(r.customer_phone),
  }));
}

/** One page of the orders (`limit` and `offset` in the filter) and how many match in all. */
export async function ordersReportPage(db: Kysely<Database>, storeId: string, filter: OrderFilter) {
  const [rows, total] = await Promise.all([ordersReport(db, storeId, filter), countOrders(db, storeId, filter)]);
  return { rows, total };
}
