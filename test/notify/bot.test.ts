// The bot journey end to end against the fake Telegram and fake WB servers: /start → token
// (deleted, validated) → initial sync with progress → menu → reports → settings toggles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/log.js';
import { systemClock } from '../../src/core/time.js';
import { withAdvisoryLock } from '../../src/db/locks.js';
import { type FakeTelegram, parseTelegramHtml, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import type { NotifyDeps } from '../../src/notify/notify.service.js';
import { Pacer } from '../../src/notify/pacer.js';
import { runBot } from '../../src/notify/telegram/bot.service.js';
import { botTokenHash } from '../../src/notify/telegram/bot-token.js';
import { getChat, saveBotToken, saveChat } from '../../src/notify/telegram/bot-token.repository.js';
import { TelegramClient } from '../../src/notify/telegram/telegram-client.js';
import { jobLockName } from '../../src/schedule/run-job.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { secretKey } from './helpers.js';

describe('the Telegram bot', () => {
  let h: TestDatabase;
  let tg: FakeTelegram;
  let wb: FakeWb;
  let deps: NotifyDeps;
  let client: TelegramClient;
  const hash = botTokenHash('123456:TEST-token');
  const chat = '777001';
  const poll = () => runBot(h, deps, { tokenHash: hash, client, once: true });
  const keyboardData = (i = -1) => (tg.sentTo(chat).at(i)?.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.callback_data);

  beforeAll(async () => {
    h = await createTestDatabase();
    tg = await startFakeTelegram();
    wb = await startFakeWb({ orders: 60, sales: 20, products: 5, reviews: 8, from: new Date(Date.now() - 3 * 86_400_000), orderStepMs: 30 * 60_000 });
    const config = resolveConfig({ home: '/nonexistent-mp-home' }, { MP_WB_URL: wb.url, MP_TELEGRAM_URL: tg.url });
    const log = createLogger({ stream: { write: () => true, isTTY: false } as never, quiet: true });
    deps = { db: h.db, config, log, clock: systemClock, secretKey };
    client = new TelegramClient({ baseUrl: tg.url, token: tg.token });
    await saveBotToken(h.db, hash, null, null);
  });
  afterAll(async () => {
    await client?.close();
    await tg?.stop();
    await wb?.server.stop();
    await h?.close();
  });

  it('runs from /start to the settings menu', { timeout: 120_000 }, async () => {
    tg.userSends(chat, '/start');
    expect(await poll()).toEqual({ updates: 1 });
    expect(tg.sentTo(chat).at(-1)!.text).toContain('API-токен WB');

    // A wrong token: deleted from the chat, explained, still waiting for a token.
    const bad = tg.userSends(chat, 'not-a-token');
    await poll();
    expect(tg.deleted).toContainEqual({ chatId: chat, messageId: bad });
    expect(tg.sentTo(chat).at(-1)!.text).toContain('Токен не подошёл: это не похоже на токен WB');
    expect(tg.sentTo(chat).at(-1)!.text).not.toMatch(/[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}/); // no English sentence in a Russian chat

    // The real token: deleted, validated, initial sync with progress, then the menu.
    const good = tg.userSends(chat, wb.token);
    await poll();
    expect(tg.deleted).toContainEqual({ chatId: chat, messageId: good });
    for (const m of tg.sentTo(chat)) expect(m.text).not.toContain(wb.token);
    const progress = tg.sentTo(chat).filter((m) => m.method === 'editMessageText');
    expect(progress.length).toBe(5);
    expect(progress.at(-1)!.text).toMatch(/✅ карточки[\s\S]*✅ заказы[\s\S]*✅ продажи[\s\S]*✅ остатки[\s\S]*✅ отзывы/);
    expect(keyboardData()).toEqual(['o', 's', 'r', 'p', 'n', 'c', 'lang:en']);
    const orders = await h.db
      .selectFrom('wb_orders')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBeGreaterThan(0);
    // The initial sync produced no notifications.
    expect(await h.db.selectFrom('wb_events').selectAll().execute()).toEqual([]);
    const user = await h.db.selectFrom('mp_users').selectAll().where('telegram_id', '=', chat).executeTakeFirstOrThrow();
    const [recipient] = await h.db.selectFrom('notify_recipients').selectAll().where('chat_id', '=', chat).execute();
    expect(recipient).toMatchObject({ user_id: user.id, channel: 'telegram' });

    // Reports from the menu.
    tg.userPresses(chat, 'o');
    await poll();
    expect(tg.sentTo(chat).at(-1)!.text).toContain('Последние заказы');
    const orderButton = keyboardData().find((d) => d?.startsWith('oc:'))!;
    expect(orderButton).toBeDefined();
    tg.userPresses(chat, orderButton);
    tg.userPresses(chat, 's');
    tg.userPresses(chat, 'r');
    tg.userPresses(chat, 'p');
    await poll();
    const screens = tg
      .sentTo(chat)
      .slice(-4)
      .map((m) => m.text.split('\n')[0]);
    expect(screens[0]).toContain(`Заказ ${orderButton.slice(3)}`);
    expect(screens.slice(1)).toEqual([
      expect.stringContaining('Остатки'),
      expect.stringContaining('Последние отзывы'),
      expect.stringContaining('Продажи за 7 дней'),
    ]);
    for (const m of tg.sent) expect(parseTelegramHtml(m.text).error).toBeUndefined();
    // The reviews screen shows what buyers wrote under Достоинства and Недостатки.
    const reviews = tg.sentTo(chat).at(-2)!.text;
    expect(reviews).toContain('<i>Недостатки:</i> Маломерит на размер');
    expect(reviews).toContain('<i>Достоинства:</i> Удобный');

    // Settings: toggles write the recipient's settings (the same columns as the CLI).
    tg.userPresses(chat, 'n');
    await poll();
    const settings = tg.sentTo(chat).at(-1)!;
    expect(settings.text).toContain('Уведомления кабинета');
    expect(keyboardData()).toContain('t:new_order');
    tg.userPresses(chat, 't:new_order', settings.messageId);
    tg.userPresses(chat, 't:all', settings.messageId);
    await poll();
    const row = await h.db.selectFrom('notify_recipients').selectAll().where('id', '=', recipient!.id).executeTakeFirstOrThrow();
    expect(row.types).not.toContain('new_order');
    expect(row.enabled).toBe(false);
    const edited = tg.sentTo(chat).at(-1)!;
    expect(edited).toMatchObject({ method: 'editMessageText', messageId: settings.messageId });
    expect((edited.replyMarkup?.inline_keyboard ?? []).flat().find((b) => b?.callback_data === 't:new_order')?.text).toContain('❌');
    expect(tg.callbackAnswers.length).toBe(8);
  });

  it('keeps the update offset in the database: a restart neither repeats nor loses updates', async () => {
    const before = tg.sent.length;
    expect(await poll()).toEqual({ updates: 0 });
    expect(tg.sent.length).toBe(before);
    const row = await h.db.selectFrom('notify_bot_tokens').select('update_offset').where('token_hash', '=', hash).executeTakeFirstOrThrow();
    expect(Number(row.update_offset)).toBe(tg.offsets.at(-1));
    expect(tg.pendingUpdates()).toBe(0);
    tg.userSends(chat, '/menu');
    expect(await poll()).toEqual({ updates: 1 });
    expect(tg.sentTo(chat).at(-1)!.text).toContain('Выберите раздел');
  });

  it('a chat that blocked the bot and sends /start again gets its notifications back', async () => {
    await h.db
      .updateTable('notify_recipients')
      .set({ disabled_at: new Date(), disabled_reason: 'Forbidden: bot was blocked by the user' })
      .where('chat_id', '=', chat)
      .execute();
    tg.userSends(chat, '/start');
    await poll();
    const rows = await h.db.selectFrom('notify_recipients').select('disabled_at').where('chat_id', '=', chat).execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.disabled_at === null)).toBe(true);
    expect(tg.sentTo(chat).at(-1)!.text).toContain('Выберите раздел');
  });

  it('an initial sync that a stop interrupted goes on when the bot starts again', { timeout: 120_000 }, async () => {
    await saveChat(h.db, chat, { state: 'syncing' });
    const before = tg.sentTo(chat).length;
    expect(await poll()).toEqual({ updates: 0 });
    const sent = tg.sentTo(chat).slice(before);
    expect(sent.some((m) => m.text.includes('Загружаю данные'))).toBe(true);
    expect(sent.at(-1)!.text).toContain('Выберите раздел');
    expect((await getChat(h.db, chat))!.state).toBe('menu');
  });

  it('serves other chats while one chat’s initial sync runs; that chat gets “still loading” until its menu', { timeout: 180_000 }, async () => {
    const wb2 = await startFakeWb({ orders: 20, sales: 5, products: 2, reviews: 2, from: new Date(Date.now() - 86_400_000) });
    const deps2 = { ...deps, config: resolveConfig({ home: '/nonexistent-mp-home' }, { MP_WB_URL: wb2.url, MP_TELEGRAM_URL: tg.url }) };
    // The first request of the initial sync (cards) takes 4 s to answer.
    const cards = [wb2.card(0), wb2.card(1)];
    wb2.server.fault('/content/v2/get/cards/list', {
      delayMs: 4000,
      body: { cards, cursor: { updatedAt: cards[1]!.updatedAt, nmID: cards[1]!.nmID, total: 2 } },
    });
    const [syncing, other] = ['777002', '777003'];
    const has = (c: string, text: string) => tg.sentTo(c).some((m) => m.text.includes(text));
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 1200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(ok()).toBe(true);
    };
    const controller = new AbortController();
    const running = runBot(h, deps2, { tokenHash: hash, client, signal: controller.signal, pollSeconds: 1, deliverEveryMs: 0 });
    try {
      tg.userSends(syncing, '/start');
      await until(() => has(syncing, 'API-токен WB'));
      tg.userSends(syncing, wb2.token);
      await until(() => has(syncing, 'Загружаю данные'));
      tg.userSends(other, '/start');
      tg.userPresses(syncing, 'o');
      await until(() => has(other, 'API-токен WB') && has(syncing, 'Идёт первая загрузка'));
      // Both were answered while the sync was still running: no menu yet for that chat.
      expect(has(syncing, 'Выберите раздел')).toBe(false);
      await until(() => has(syncing, 'Выберите раздел'));
      expect(
        tg
          .sentTo(syncing)
          .filter((m) => m.method === 'editMessageText')
          .at(-1)!.text,
      ).toContain('✅ отзывы');
    } finally {
      controller.abort();
      await running;
      await wb2.server.stop();
    }
  });

  it('leaves delivery to the wb.notify job while it runs, so two paces never add up at Telegram', { timeout: 60_000 }, async () => {
    const r = await h.db.selectFrom('notify_recipients').select(['id', 'cabinet_id']).where('chat_id', '=', chat).executeTakeFirstOrThrow();
    await h.db.updateTable('notify_recipients').set({ enabled: true }).where('id', '=', r.id).execute(); // switched off in the journey
    const payload = {
      type: 'new_order',
      cabinet: { id: r.cabinet_id },
      events: [{ id: '1', key: 'lock-k', occurred_at: new Date().toISOString(), data: { srid: 'lock-srid' } }],
    };
    await h.db
      .insertInto('notify_outbox')
      .values({
        recipient_id: r.id,
        cabinet_id: r.cabinet_id,
        type: 'new_order',
        dedup_key: 'lock-test',
        payload: JSON.stringify(payload) as never,
        next_attempt_at: new Date(),
      })
      .execute();
    const runFor = async (ms: number) => {
      const controller = new AbortController();
      const running = runBot(h, deps, {
        tokenHash: hash,
        client,
        signal: controller.signal,
        pollSeconds: 1,
        deliverEveryMs: 1,
        pacer: new Pacer({ perSecond: 100, perChatMs: 0 }),
      });
      await new Promise((resolve) => setTimeout(resolve, ms));
      controller.abort();
      await running;
    };
    const sent = () => tg.sentTo(chat).filter((m) => m.text.includes('lock-srid')).length;
    const held = await withAdvisoryLock(h, jobLockName('wb.notify', null), () => runFor(2500));
    expect(held.acquired).toBe(true);
    expect(sent()).toBe(0);
    await runFor(2500);
    expect(sent()).toBe(1);
  });

  it('allows one poller per bot token', async () => {
    const controller = new AbortController();
    const first = runBot(h, deps, { tokenHash: hash, client, signal: controller.signal, pollSeconds: 1, deliverEveryMs: 0 });
    await new Promise((r) => setTimeout(r, 200));
    await expect(poll()).rejects.toMatchObject({ code: 'TELEGRAM_BOT_RUNNING' });
    controller.abort();
    await first;
  });
});
