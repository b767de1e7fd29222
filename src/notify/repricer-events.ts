// What a repricer run tells a Kaspi store's recipients, derived from the run's decisions and written
// in the transaction that stores them (price_changes): a product held at its floor while a competitor
// is below it, a competitor under our price that this run does not answer, a price write Kaspi
// refused, the store paused after a 429. Each key names what makes it new (the product, the city and
// the prices), so a run repeating the same situation every few minutes writes nothing more.
import type { NewKaspiEvent } from './kaspi-events.repository.js';

/** One decision of a run, as far as alerts need it. */
export interface RepricerItem {
  product: { id: string; sku: string; name: string | null; product_id: string; min_price: string; strategy: string };
  cityId: string;
  stored: number | null;
  decision: { newPrice: number | null; reason: string; competitorPrice: number | null; competitor: string | null; livePrice: number | null };
  /** The effective floor (min price or margin floor). */
  floor?: { floor: number | null } | null;
  mode: string;
  runError?: string;
}

export interface RepricerRun {
  items: RepricerItem[];
  /** Set when this run earned a 429 (not when it found the store paused already): the pause's end. */
  pausedAt429?: Date;
  /** The message the items failed with when the cabinet session was refused (not a refused price). */
  sessionRefused?: string;
}

const HELD_AT_FLOOR = new Set(['FLOOR_REACHED', 'MARGIN_FLOOR']);
/** Strategies that aim at first place (top-n aims lower on purpose; hold does not compete). */
const FIRST_PLACE = new Set(['undercut', 'match']);

/** The alerts of one store's run (pure). */
export function repricerEvents(run: RepricerRun, now: Date): NewKaspiEvent[] {
  const out: NewKaspiEvent[] = [];
  for (const i of run.items) {
    const d = i.decision;
    const base = { sku: i.product.sku, name: i.product.name, productId: i.product.product_id, cityId: i.cityId };
    const ours = d.newPrice ?? d.livePrice ?? i.stored;
    const under = d.competitorPrice !== null && ours !== null && d.competitorPrice < ours;
    if (HELD_AT_FLOOR.has(d.reason) && under) {
      out.push({
        type: 'price_floor',
        eventKey: `${i.product.id}:${i.cityId}:${ours}:${d.competitorPrice}`,
        occurredAt: now,
        payload: {
          ...base,
          price: String(ours),
          minPrice: floorOf(i, ours),
          reason: d.reason,
          competitor: d.competitor,
          competitorPrice: String(d.competitorPrice),
        },
      });
    } else if (under && FIRST_PLACE.has(i.product.strategy) && i.mode !== 'failed' && i.mode !== 'skipped') {
      // A product meant to be first (undercut, match) with a rival below the price this run leaves it
      // at (a move shortened by the per-run cap): first place is lost until a later run wins it back.
      out.push({
        type: 'lost_first_place',
        eventKey: `${i.product.id}:${i.cityId}:${d.competitor ?? ''}:${d.competitorPrice}`,
        occurredAt: now,
        payload: { ...base, price: String(ours), reason: d.reason, competitor: d.competitor, competitorPrice: String(d.competitorPrice) },
      });
    }
    const refused = i.mode === 'failed' && i.runError && i.runError !== run.sessionRefused && !(run.pausedAt429 && i.runError.includes('429'));
    if (refused && d.newPrice !== null) {
      out.push({
        type: 'price_refused',
        eventKey: `${i.product.id}:${i.cityId}:${d.newPrice}`,
        occurredAt: now,
        payload: { ...base, price: String(d.newPrice), error: i.runError },
      });
    }
  }
  if (run.pausedAt429) {
    out.push({
      type: 'store_paused',
      eventKey: run.pausedAt429.toISOString(),
      occurredAt: now,
      payload: { until: run.pausedAt429.toISOString(), reason: 'HTTP 429' },
    });
  }
  return out;
}

function floorOf(i: RepricerItem, ours: number): string {
  const p = i.floor?.floor;
  return p === undefined || p === null ? String(Math.max(Number(i.product.min_price), ours)) : String(p);
}
