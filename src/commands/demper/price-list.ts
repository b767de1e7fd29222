// `mp demper price-list url|show|accept|fetches`: the price list `mp serve` publishes for Kaspi.
import type { Context } from '../../core/context.js';
import { UsageError, UserError } from '../../core/errors.js';
import { currentUser } from '../../core/user.js';
import { url as urlRule } from '../../core/validate.js';
import { assembleStorePriceList } from '../../demper/price-list.service.js';
import { hasPlannedList, priceListFetchLog } from '../../demper/price-list-status.service.js';
import { acceptPriceList, priceListToken } from '../../demper/served-price-list.service.js';
import { buildKaspiFeed } from '../../demper/xml-feed.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
import { marginRules } from '../../profit/floor.service.js';

/** The addresses to give Kaspi (Товары → Загрузить прайс-лист → Автоматическая загрузка). */
export async function priceListUrl(ctx: Context, o: { store?: string; baseUrl?: string; rotate?: boolean }): Promise<void> {
  const base =
    o.baseUrl === undefined
      ? undefined
      : urlRule(o.baseUrl, '--base-url', { protocols: ['http:', 'https:'] })
          .toString()
          .replace(/\/+$/, '');
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  const token = await priceListToken(db, await ctx.secretKey(), store, Boolean(o.rotate));
  const prefix = base ?? '';
  ctx.out.object({
    store: store.merchant_id,
    url: `${prefix}/kaspi/price-lists/${store.merchant_id}.xml`,
    secret_url: `${prefix}/kaspi/price-lists/s/${token}.xml`,
  });
  if (!ctx.out.json) {
    if (!base) ctx.log.info('Paths only: add --base-url https://<where mp serve is reachable> for the full addresses.');
    ctx.log.info('`url` needs the user and password of MP_KASPI_FEED_USER / MP_KASPI_FEED_PASSWORD; `secret_url` is the credential itself: keep it private.');
    if (o.rotate) ctx.log.warn('A new secret path: the old one no longer answers. Give Kaspi the new one.');
  }
}

/** The list as `mp serve` would hand it out now (nothing recorded), or why not; exit 1 when it fails the format. */
export async function priceListShow(ctx: Context, o: { store?: string }): Promise<void> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  const list = await assembleStorePriceList(db, store, ctx.clock.now(), { margin: marginRules(ctx.config) });
  if (ctx.out.json) {
    ctx.out.jsonDocument({
      store: store.merchant_id,
      offers: list.offers,
      available: list.available,
      unpriced: list.unpriced,
      without_stock: list.withoutStock,
      without_brand: list.withoutBrand,
      raised_to_floor: list.raisedToFloor,
      problems: list.problems,
      feed: list.feed,
    });
  } else ctx.out.text(buildKaspiFeed(list.feed));
  if (!(await hasPlannedList(db, store.id)))
    ctx.log.warn(`mp serve answers 503 for this store until a run plans its list: \`mp demper run --store ${store.merchant_id} --apply --via xml\``);
  if (list.unpriced.length > 0) ctx.log.warn(`${list.unpriced.length} product(s) left out, no price known in every city, e.g. ${list.unpriced[0]}`);
  if (list.raisedToFloor > 0) ctx.log.warn(`${list.raisedToFloor} price(s) were below their product's floor (min or margin floor): listed at the floor`);
  if (list.withoutBrand > 0) ctx.log.warn(`${list.withoutBrand} offer(s) without a brand: import the cabinet's offers, or scrape the product pages`);
  for (const p of list.problems.slice(0, 20)) ctx.log.error(p);
  if (list.problems.length > 0) {
    throw new UserError(
      'PRICE_LIST_INVALID',
      `the list fails the format check (${list.problems.length} problem(s) above): mp serve answers 503 instead of serving it, and Kaspi keeps the list it has`,
    );
  }
}

/** Lets a list that tripped the shrink guard out: it becomes the list served. */
export async function priceListAccept(ctx: Context, o: { store?: string }): Promise<void> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  const r = await acceptPriceList(db, store, ctx.clock.now(), marginRules(ctx.config));
  ctx.out.object({
    store: store.merchant_id,
    offers: r.offers,
    available: r.available,
    previous_offers: r.previous?.offer_count ?? null,
    previous_available: r.previous?.available_count ?? null,
  });
  if (!ctx.out.json) ctx.log.info(`Accepted: Kaspi gets this list (${r.offers} offers, ${r.available} on sale) at its next fetch.`);
}

/** The latest fetches of a store's price list: when, status, how, who. */
export async function priceListFetches(ctx: Context, o: { store?: string; limit?: string }): Promise<void> {
  const limit = o.limit === undefined ? 20 : /^\d{1,4}$/.test(o.limit) && Number(o.limit) > 0 ? Number(o.limit) : Number.NaN;
  if (!Number.isInteger(limit)) throw new UsageError('BAD_OPTION', `--limit must be a whole number from 1 to 9999, got "${o.limit}"`);
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  const rows = await priceListFetchLog(db, store.id, limit);
  ctx.out.list(rows, [
    { key: 'at' },
    { key: 'status', align: 'right' },
    { key: 'via' },
    { key: 'client' },
    { key: 'user_agent', header: 'user agent', shrink: true, optional: true },
    { key: 'detail', shrink: true },
  ]);
  if (rows.length === 0 && !ctx.out.json) ctx.log.info(`Nobody has fetched the price list of ${store.merchant_id} yet: see \`mp demper price-list url\`.`);
}
