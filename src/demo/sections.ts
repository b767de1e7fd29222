// The demo's sections, in the order of a seller's day. Each runs only what this build has, against
// the project's fake servers, and says what it made the fake marketplace do in between.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeKaspi } from '../fakes/fake-kaspi.js';
import type { FakeKaspiShop } from '../fakes/fake-kaspi-shop.js';
import type { FakeTelegram } from '../fakes/fake-telegram.js';
import type { FakeWb } from '../fakes/fake-wb.js';
import type { DemoRunner, DemoSection } from './demo.service.js';

/** What sections hand to later ones. */
interface Shared {
  kaspi?: FakeKaspi;
  kaspiIds?: string[];
  wb?: FakeWb;
  telegram?: FakeTelegram;
  /** The fake Kaspi Shop API (orders), started before the store is added so it gets the token. */
  shop?: FakeKaspiShop;
}

async function missing(r: DemoRunner, commands: string[]): Promise<string | undefined> {
  for (const c of commands) if (!(await r.has(c))) return `\`mp ${c}\` is not in this build`;
  return undefined;
}

function kaspiSection(shared: Shared): DemoSection {
  return {
    title: 'Kaspi: track products, scrape them and their offers, see the price history',
    async run(r) {
      const gap = await missing(r, ['kaspi track add', 'kaspi scrape', 'history show']);
      if (gap) return { skipped: gap };
      const mod = await import('../fakes/fake-kaspi.js');
      const kaspi = r.world.own(await mod.startFakeKaspi());
      shared.kaspi = kaspi;
      r.world.env.MP_KASPI_URL = kaspi.url;
      const ids = [mod.KASPI_IDS.phone, mod.KASPI_IDS.single, mod.KASPI_IDS.description];
      shared.kaspiIds = ids;
      await r.mp('Track three products (Kaspi URLs in any form, or ids):', ['kaspi', 'track', 'add', ...ids]);
      await r.mp('Scrape them: the page, every offer, what changed since last time:', [
        'kaspi',
        'scrape',
        '--tracked',
        '--export-dir',
        join(r.world.home, 'export'),
      ]);
      // The market moves: the cheapest seller of the phone cuts its price, another leaves.
      const offers = kaspi.offersOf(ids[0]!);
      const cheapest = offers[0]!;
      const leaving = offers[offers.length - 1]!;
      kaspi.setPrice(ids[0]!, cheapest.merchantId, Math.max(10, Math.round(cheapest.price * 0.95)));
      kaspi.removeSeller(ids[0]!, leaving.merchantId);
      r.note(
        `(fake Kaspi: ${cheapest.merchantName} cuts its price from ${cheapest.price} to ${Math.max(10, Math.round(cheapest.price * 0.95))} ₸, ${leaving.merchantName} stops selling)`,
      );
      await r.mp('Scrape again, this time the way cron and the daemon do it:', ['jobs', 'run', 'kaspi.scrape']);
      await r.mp('The price history (on a terminal, with a chart):', ['history', 'show', ids[0]!]);
      await r.mp(`What ${cheapest.merchantName} did (on a terminal, with a chart of its price):`, [
        'history',
        'show',
        ids[0]!,
        '--seller',
        cheapest.merchantId,
      ]);
      return undefined;
    },
  };
}

function wbSection(shared: Shared): DemoSection {
  return {
    title: 'Wildberries: a cabinet, a sync, and notifications to Telegram',
    async run(r) {
      const gap = await missing(r, ['wb cabinet add', 'wb sync', 'wb notify recipient add', 'wb orders']);
      if (gap) return { skipped: gap };
      const [wbMod, tgMod] = await Promise.all([import('../fakes/fake-wb.js'), import('../fakes/fake-telegram.js')]);
      const from = new Date(Date.now() - 10 * 86_400_000);
      const wb = await wbMod.startFakeWb({
        orders: 240,
        sales: 90,
        products: 8,
        reviews: 12,
        from,
        orderStepMs: 3_600_000,
        saleStepMs: 9_000_000,
        statisticsBurst: 100,
      });
      r.world.own({ stop: () => wb.server.stop() });
      const tg = r.world.own(await tgMod.startFakeTelegram());
      shared.wb = wb;
      shared.telegram = tg;
      Object.assign(r.world.env, { MP_WB_URL: wb.url, MP_TELEGRAM_URL: tg.url, MP_TELEGRAM_BOT_TOKEN: tg.token, MP_TELEGRAM_CHAT_INTERVAL_MS: '50' });
      await r.mp('Add a cabinet (the token comes from WB_TOKEN or stdin, never an argument):', ['wb', 'cabinet', 'add', '--name', 'demo-shop'], {
        env: { WB_TOKEN: wb.token },
      });
      await r.mp('Send its events to a Telegram chat:', ['wb', 'notify', 'recipient', 'add', '--cabinet', 'demo-shop', '--telegram-chat', '100500']);
      await r.mp('First sync: 30 days of orders, sales, stocks, reviews and cards (no notifications for history):', ['wb', 'sync']);
      // A live shop: new orders, a cancellation, a bad review, a product selling out.
      const now = new Date();
      wb.addOrders(6, now);
      wb.cancelOrder(wb.ordersCount - 20, now);
      wb.reviewsCount += 2;
      for (let s = 0; s < 3; s++) for (let w = 0; w < 3; w++) wb.setStock(1, s, w, 0);
      r.note('(fake WB: 6 new orders, a cancellation, 2 new reviews, a product sold out)');
      await r.allowWbRequestsNow();
      await r.mp('Sync again, as the daemon does every 5 minutes: the changes become events:', ['jobs', 'run', 'wb.sync']);
      await r.mp('Deliver the notifications, as the daemon does every minute:', ['jobs', 'run', 'wb.notify']);
      r.note(`The fake Telegram received ${tg.sent.length} message(s) for chat 100500:`);
      for (const m of tg.sent.slice(0, 8)) r.note(`  ✉ ${m.text.split('\n')[0]!.replace(/<[^>]+>/g, '')}`);
      await r.mp('The last three hours of orders:', ['wb', 'orders', '--since', '3h']);
      if (await r.has('wb sales')) await r.mp('The sales report: per Moscow day and per product, the last 7 days:', ['wb', 'sales', '--period', '7d']);
      return undefined;
    },
  };
}

function demperSection(shared: Shared): DemoSection {
  return {
    title: 'Kaspi repricing: plan against the competitors’ offers',
    async run(r) {
      const gap = await missing(r, ['demper store add', 'demper products import', 'demper plan']);
      if (gap) return { skipped: gap };
      if (!shared.kaspi || !shared.kaspiIds) return { skipped: 'needs the Kaspi section' };
      // We are one of the phone's sellers, neither the cheapest nor the dearest.
      const phone = shared.kaspiIds[0]!;
      const offers = shared.kaspi.offersOf(phone);
      const us = offers[Math.min(2, offers.length - 1)]!;
      const rows = [['sku', 'product_id', 'name', 'price', 'min_price', 'max_price', 'step', 'strategy']];
      rows.push([
        'PHONE-1',
        phone,
        us.title ?? 'Phone',
        String(us.price),
        String(Math.round(us.price * 0.9)),
        String(Math.round(us.price * 1.2)),
        '1',
        'undercut',
      ]);
      for (const id of shared.kaspiIds.slice(1)) {
        const o = shared.kaspi.offersOf(id)[0];
        if (o) rows.push([`SKU-${id}`, id, o.title ?? id, String(o.price + 500), String(o.price - 200), String(o.price + 2000), '10', 'match']);
      }
      // The store's Shop API token (for its orders, next section) is the fake Shop API's.
      const shopMod = await import('../fakes/fake-kaspi-shop.js');
      if (await r.has('kaspi orders sync')) {
        const day = 86_400_000;
        // 29 days of orders, about 5 a day, over 40 products in every state Kaspi has.
        const shop = r.world.own(await shopMod.startFakeKaspiShop(shopMod.generateOrders(160, new Date(Date.now() - 29 * day), Math.floor((29 * day) / 160))));
        shared.shop = shop;
        r.world.env.MP_KASPI_SHOP_API_URL = shop.url;
      }
      const csv = join(r.world.home, 'products.csv');
      writeFileSync(csv, `${rows.map((row) => row.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n')}\n`);
      const add = ['demper', 'store', 'add', '--merchant-id', us.merchantId, '--name', 'demo-store'];
      if (shared.shop) {
        await r.mp(
          'Add our store with its Shop API token, from stdin (repricing needs its cabinet session later; planning does not):',
          [...add, '--token-stdin'],
          { input: shared.shop.token },
        );
      } else {
        await r.mp('Add our store (repricing needs its cabinet session later; planning does not):', add);
      }
      await r.mp('Put products under price management, with floors and ceilings:', ['demper', 'products', 'import', '--store', 'demo-store', '--file', csv]);
      await r.mp('What a run would change, and why (nothing is sent):', ['demper', 'plan']);
      await r.mp('The scheduled job, per store: a dry run unless the store is listed in MP_DEMPER_APPLY:', ['jobs', 'run', 'demper.run']);
      if (await r.has('preorders add')) {
        await r.mp('A preorder: 5 in stock at PP1, 3 days to ship:', [
          'preorders',
          'add',
          'PHONE-1',
          '--store',
          'demo-store',
          '--model',
          us.title ?? 'Phone',
          '--brand',
          'Apple',
          '--price',
          String(us.price),
          '--pp1',
          '5',
          '--preorder',
          '3',
        ]);
        const file = join(r.outDir, 'preorders.xlsx');
        await r.mp('Kaspi’s preorder template (SKU, model, brand, price, PP1–PP5, preorder) as an Excel file:', [
          'preorders',
          'export',
          '--store',
          'demo-store',
          '--out',
          file,
        ]);
        r.wrote(file);
      }
      return undefined;
    },
  };
}

function kaspiOrdersSection(shared: Shared): DemoSection {
  return {
    title: 'Kaspi orders and sales: the Shop API, sales by day, best sellers, a niche estimate',
    async run(r) {
      const gap = await missing(r, ['kaspi orders sync', 'kaspi orders list', 'kaspi sales', 'kaspi top', 'kaspi insights']);
      if (gap) return { skipped: gap };
      if (!(await r.hasJob('kaspi.orders'))) return { skipped: 'the kaspi.orders job is not in this build' };
      const shop = shared.shop;
      if (!shop) return { skipped: 'the repricing section did not run' };
      await r.mp('Pull the store’s orders from the Shop API (14-day windows, every state, with their entries):', ['kaspi', 'orders', 'sync']);
      // The shop moves on: an order is cancelled, a new one comes in.
      const latest = [...shop.orders.values()].filter((o) => o.state !== 'ARCHIVE').sort((a, b) => b.creationDate - a.creationDate);
      const cancelled = latest[0]!;
      const template = latest[1] ?? cancelled;
      const fresh = { ...template, id: 'demo-new', code: '700000001', state: 'NEW', status: 'APPROVED_BY_BANK', creationDate: Date.now() - 60_000 };
      delete fresh.approvedByBankDate;
      shop.orders.set(fresh.id, fresh);
      shop.update(cancelled.id, { state: 'ARCHIVE', status: 'CANCELLED' });
      r.note(`(fake Shop API: order ${cancelled.code} is cancelled, order ${fresh.code} comes in)`);
      await r.mp('Sync again, the way cron and the daemon do it (recent windows are read again, so the cancellation lands):', ['jobs', 'run', 'kaspi.orders']);
      await r.mp('Today’s orders (Almaty time; customers are masked, and stored only with --with-customers):', ['kaspi', 'orders', '--since', '1d']);
      await r.mp('Sales per Almaty day, with today against yesterday and this week against last:', ['kaspi', 'sales', '--period', '7d']);
      await r.mp('Best sellers of the month:', ['kaspi', 'top', '--period', '30d', '--limit', '5']);
      if (shared.kaspiIds) {
        await r.mp('Any tracked product: an ESTIMATE of its sales from review growth, and where our price stands:', ['kaspi', 'insights', shared.kaspiIds[0]!]);
      }
      return undefined;
    },
  };
}

const payouts: DemoSection = {
  title: 'Payouts: requests, a worker, the result',
  async run(r) {
    const gap = await missing(r, ['payouts create', 'payouts list']);
    if (gap) return { skipped: gap };
    const requests = [
      { amount: '15000.00', recipient: '40817810099910004312', comment: 'supplier: boxes' },
      { amount: '2490.50', recipient: '40817810099910007781', comment: 'courier, November' },
      { amount: '120000.00', recipient: '40817810099910001209', comment: 'rent' },
    ];
    for (const [i, p] of requests.entries()) {
      await r.mp(i === 0 ? 'Request payouts (each waits as NEW for a worker):' : '', [
        'payouts',
        'create',
        '--amount',
        p.amount,
        '--currency',
        'RUB',
        '--recipient',
        p.recipient,
        '--comment',
        p.comment,
      ]);
    }
    await r.mp('Process the queue once, as cron or the daemon does (the simulated gateway):', ['jobs', 'run', 'payouts.process']);
    await r.mp('The payouts now:', ['payouts', 'list']);
    return undefined;
  },
};

function exportsSection(shared: Shared): DemoSection {
  return {
    title: 'Export to Excel',
    async run(r) {
      const gap = await missing(r, ['export']);
      if (gap) return { skipped: gap };
      const datasets = ['kaspi-offers', 'payouts'];
      // What the orders section synced, when this build has it.
      if (shared.shop && (await r.has('kaspi orders sync'))) datasets.splice(1, 0, 'kaspi-orders');
      for (const dataset of datasets) {
        const file = join(r.outDir, `${dataset}.xlsx`);
        await r.mp(`Export ${dataset} to XLSX:`, ['export', dataset, '--out', file]);
        r.wrote(file);
      }
      return undefined;
    },
  };
}

const jobs: DemoSection = {
  title: 'Scheduled jobs',
  async run(r) {
    await r.mp('What ran, what failed and when each job runs next under `mp daemon`:', ['jobs', 'status']);
    r.note('`mp daemon` runs these on their schedules; crontab.example has the same schedule as cron lines.');
    return undefined;
  },
};

export function demoSections(): DemoSection[] {
  const shared: Shared = {};
  return [kaspiSection(shared), wbSection(shared), demperSection(shared), kaspiOrdersSection(shared), payouts, exportsSection(shared), jobs];
}
