// The WB reports. Every window is computed in Moscow time (WB's own day boundaries) and says so.
import { UserError } from '../core/errors.js';
import { fromMinor, normalizeDecimal, toMinor } from '../core/money.js';
import { formatZoned, MOSCOW, startOfZonedDay, zonedDate } from '../core/time.js';
import { cardsByNm } from './card.repository.js';
import { countOrders, findOrder, listOrders, type OrderFilter, orderCountsByWindow, ordersByDayAndProduct } from './order.repository.js';
import type { Db } from './recordset.js';
import { listReviews, type ReviewFilter, ratingDistribution } from './review.repository.js';
import { saleCountsByWindow, salesByDayAndProduct, salesForOrder } from './sale.repository.js';
import { listStocks } from './stock.repository.js';

export interface ReportWindow {
  from: Date;
  to: Date;
  timeZone: typeof MOSCOW;
  /** "2026-11-14 00:00 – 2026-11-20 15:04 MSK" */
  text: string;
}

/** The window from Moscow midnight of `from`'s day until now: whole Moscow days (`--period`, sales). */
export function moscowWindow(from: Date, now: Date): ReportWindow {
  return sinceMoscow(startOfZonedDay(from, MOSCOW), now);
}

/**
 * Exactly [from, now], stated in Moscow time: `--since 3h` means the last three hours, as for Kaspi
 * (a date such as 2026-11-01 already reads as its Moscow midnight).
 */
export function sinceMoscow(from: Date, now: Date): ReportWindow {
  return { from, to: now, timeZone: MOSCOW, text: `${formatZoned(from, MOSCOW)} – ${formatZoned(now, MOSCOW)} MSK` };
}

/** Orders in the window, newest first. */
export async function ordersReport(db: Db, cabinetId: string, window: ReportWindow, filter: Omit<OrderFilter, 'since'>) {
  const rows = await listOrders(db, cabinetId, { ...filter, since: window.from });
  return rows.map((r) => ({ ...r, status: r.is_cancel ? 'cancelled' : 'active', date_msk: formatZoned(r.order_date, MOSCOW) }));
}

/** One page of the orders report (`limit` and `offset` in the filter) and how many match in all. */
export async function ordersReportPage(db: Db, cabinetId: string, window: ReportWindow, filter: Omit<OrderFilter, 'since'>) {
  const [rows, total] = await Promise.all([ordersReport(db, cabinetId, window, filter), countOrders(db, cabinetId, { ...filter, since: window.from })]);
  return { rows, total };
}

const WINDOWS = [7, 14, 30, 60, 90] as const;

/** The detailed order card: product and photo, prices, warehouse and region, stock by size, stats, reviews. */
export async function orderCard(db: Db, cabinetId: string, srid: string, now: Date) {
  const order = await findOrder(db, cabinetId, srid);
  if (!order)
    throw new UserError('WB_ORDER_NOT_FOUND', `no order with srid "${srid}" in this cabinet: run \`mp wb sync\` or check the srid with \`mp wb orders\``);
  const card = (await cardsByNm(db, cabinetId, [order.nm_id])).get(order.nm_id);
  const stocks = await listStocks(db, cabinetId, order.nm_id);
  const bySize = new Map<string, { size: string; total: number; warehouses: Record<string, number> }>();
  for (const s of stocks) {
    const entry = bySize.get(s.size) ?? { size: s.size, total: 0, warehouses: {} };
    entry.total += s.quantity;
    entry.warehouses[s.warehouse_name] = (entry.warehouses[s.warehouse_name] ?? 0) + s.quantity;
    bySize.set(s.size, entry);
  }
  const today = startOfZonedDay(now, MOSCOW);
  const orderCounts = await orderCountsByWindow(db, cabinetId, order.nm_id, new Date(today.getTime() + 86_400_000), WINDOWS);
  const saleCounts = await saleCountsByWindow(db, cabinetId, order.nm_id, new Date(today.getTime() + 86_400_000), WINDOWS);
  const distribution = await ratingDistribution(db, cabinetId, order.nm_id);
  const dist: Record<string, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let count = 0;
  let sum = 0;
  for (const d of distribution) {
    dist[String(d.rating)] = Number(d.n);
    count += Number(d.n);
    sum += d.rating * Number(d.n);
  }
  return {
    order: {
      srid: order.srid,
      gNumber: order.g_number,
      date: order.order_date,
      dateMsk: formatZoned(order.order_date, MOSCOW),
      lastChangeDate: order.last_change_date,
      status: order.is_cancel ? 'cancelled' : 'active',
      cancelDate: order.cancel_date,
      sticker: order.sticker,
      sales: await salesForOrder(db, cabinetId, order.srid),
    },
    product: {
      nmId: Number(order.nm_id),
      article: order.supplier_article,
      name: card?.title ?? order.subject,
      brand: order.brand,
      subject: order.subject,
      category: order.category,
      size: order.tech_size,
      barcode: order.barcode,
      photoUrl: card?.photo_url ?? null,
    },
    prices: {
      totalPrice: order.total_price,
      discountPercent: order.discount_percent,
      spp: order.spp,
      finishedPrice: order.finished_price,
      priceWithDisc: order.price_with_disc,
    },
    logistics: {
      warehouse: order.warehouse_name,
      warehouseType: order.warehouse_type,
      region: order.region_name,
      oblastOkrug: order.oblast_okrug_name,
      country: order.country_name,
    },
    stockBySize: [...bySize.values()],
    stockTotal: [...bySize.values()].reduce((s, e) => s + e.total, 0),
    stats: {
      timeZone: MOSCOW,
      windows: WINDOWS.map((days) => {
        const orders = orderCounts[days] ?? 0;
        const { buyouts, returns } = saleCounts[days] ?? { buyouts: 0, returns: 0 };
        return {
          days,
          from: zonedDate(new Date(today.getTime() - (days - 1) * 86_400_000), MOSCOW),
          orders,
          buyouts,
          returns,
          buyoutRate: orders ? Math.round((buyouts / orders) * 1000) / 10 : null,
        };
      }),
    },
    reviews: { count, averageRating: count ? Math.round((sum / count) * 100) / 100 : null, distribution: dist },
  };
}

export interface DayTotals {
  orders: number;
  cancellations: number;
  buyouts: number;
  returns: number;
  ordersSum: string;
  buyoutsSum: string;
  returnsSum: string;
}

function emptyTotals(): DayTotals {
  return { orders: 0, cancellations: 0, buyouts: 0, returns: 0, ordersSum: '0', buyoutsSum: '0', returnsSum: '0' };
}

// Sums come back from SQL as exact decimal strings; adding kopecks as integers keeps them exact.
function addMoney(a: string, b: string | null | undefined): string {
  return fromMinor(toMinor(normalizeDecimal(a, 2)) + toMinor(normalizeDecimal(b ?? '0', 2)));
}

/** Per Moscow day and per product: orders, cancellations, buyouts, returns and sums; today vs yesterday. */
export async function salesReport(db: Db, cabinetId: string, window: ReportWindow) {
  const orderRows = await ordersByDayAndProduct(db, cabinetId, window.from);
  const saleRows = await salesByDayAndProduct(db, cabinetId, window.from);
  const days = new Map<string, DayTotals>();
  const products = new Map<string, DayTotals>();
  const add = (map: Map<string, DayTotals>, key: string, f: (t: DayTotals) => void) => {
    const t = map.get(key) ?? emptyTotals();
    f(t);
    map.set(key, t);
  };
  for (const r of orderRows) {
    const apply = (t: DayTotals) => {
      t.orders += Number(r.orders);
      t.cancellations += Number(r.cancellations);
      t.ordersSum = addMoney(t.ordersSum, r.orders_sum);
    };
    add(days, r.day, apply);
    add(products, r.nm_id, apply);
  }
  for (const r of saleRows) {
    const apply = (t: DayTotals) => {
      t.buyouts += Number(r.buyouts);
      t.returns += Number(r.returns);
      t.buyoutsSum = addMoney(t.buyoutsSum, r.buyouts_sum);
      t.returnsSum = addMoney(t.returnsSum, r.returns_sum);
    };
    add(days, r.day, apply);
    add(products, r.nm_id, apply);
  }
  const todayKey = zonedDate(window.to, MOSCOW);
  const yesterdayKey = zonedDate(new Date(startOfZonedDay(window.to, MOSCOW).getTime() - 12 * 3_600_000), MOSCOW);
  const cards = await cardsByNm(db, cabinetId, [...products.keys()]);
  return {
    window,
    days: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, t]) => ({ day, ...t })),
    products: [...products.entries()]
      .map(([nmId, t]) => ({ nmId: Number(nmId), article: cards.get(nmId)?.vendor_code ?? null, name: cards.get(nmId)?.title ?? null, ...t }))
      .sort((a, b) => b.orders - a.orders || a.nmId - b.nmId),
    today: { day: todayKey, ...(days.get(todayKey) ?? emptyTotals()) },
    yesterday: { day: yesterdayKey, ...(days.get(yesterdayKey) ?? emptyTotals()) },
  };
}

interface StockProduct {
  nmId: number;
  article: string | null;
  name: string | null;
  total: number;
  sizes: Record<string, number>;
  warehouses: Record<string, number>;
}

/** Stock per product (sizes and warehouses), days of stock left at the last 30 days' order rate. */
export async function stocksReport(db: Db, cabinetId: string, now: Date, critical?: number) {
  const rows = await listStocks(db, cabinetId);
  const cards = await cardsByNm(db, cabinetId);
  const window = moscowWindow(new Date(now.getTime() - 29 * 86_400_000), now);
  const ordered = new Map<string, number>();
  for (const r of await ordersByDayAndProduct(db, cabinetId, window.from)) ordered.set(r.nm_id, (ordered.get(r.nm_id) ?? 0) + Number(r.orders));
  const products = new Map<string, StockProduct>();
  for (const r of rows) {
    const card = cards.get(r.nm_id);
    const p: StockProduct = products.get(r.nm_id) ?? {
      nmId: Number(r.nm_id),
      article: card?.vendor_code ?? null,
      name: card?.title ?? null,
      total: 0,
      sizes: {},
      warehouses: {},
    };
    p.total += r.quantity;
    p.sizes[r.size] = (p.sizes[r.size] ?? 0) + r.quantity;
    p.warehouses[r.warehouse_name] = (p.warehouses[r.warehouse_name] ?? 0) + r.quantity;
    products.set(r.nm_id, p);
  }
  const list = [...products.values()].map((p) => {
    const perDay = (ordered.get(String(p.nmId)) ?? 0) / 30;
    return { ...p, ordersPerDay30: Math.round(perDay * 100) / 100, daysLeft: perDay > 0 ? Math.floor(p.total / perDay) : null };
  });
  return {
    window,
    products: list.filter((p) => critical === undefined || p.total <= critical).sort((a, b) => a.total - b.total || a.nmId - b.nmId),
  };
}

export async function reviewsReport(db: Db, cabinetId: string, filter: ReviewFilter) {
  const rows = await listReviews(db, cabinetId, filter);
  return rows.map((r) => ({ ...r, date_msk: formatZoned(r.created_date, MOSCOW) }));
}
