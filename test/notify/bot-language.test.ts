// The bot speaks the user's language: English for a Telegram app in English (any language but
// ru/uk/be/kk), Russian for ru/uk/be/kk (and when Telegram sends no language_code); /lang and the
// menu's language button override it, and the choice survives restarts. Menus, reports, prompts and
// every error the bot answers with (unknown command, no cabinet, refused or expired token, WB rate
// limit, an internal failure) come in that language; money keeps its currency; plurals are right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/log.js';
import { systemClock } from '../../src/core/time.js';
import { type FakeTelegram, parseTelegramHtml, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { type FakeWb, makeWbToken, startFakeWb } from '../../src/fakes/fake-wb.js';
import type { NotifyDeps } from '../../src/notify/notify.service.js';
import { runBot } from '../../src/notify/telegram/bot.service.js';
import { botTokenHash } from '../../src/notify/telegram/bot-token.js';
import { getChat, saveBotToken, saveChat } from '../../src/notify/telegram/bot-token.repository.js';
import { ensureTelegramUser } from '../../src/notify/telegram/bot-user.repository.js';
import { TelegramClient } from '../../src/notify/telegram/telegram-client.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { secretKey } from './helpers.js';

const CYRILLIC = /[А-Яа-яЁё]/;

describe('the Telegram bot in the user’s language', () => {
  let h: TestDatabase;
  let tg: FakeTelegram;
  let wb: FakeWb;
  let deps: NotifyDeps;
  let client: TelegramClient;
  const hash = botTokenHash('123456:TEST-token');
  const en = '888001';
  // Each poll is a fresh start of the bot (nothing is kept in memory between runBot calls).
  const poll = () => runBot(h, deps, { tokenHash: hash, client, once: true });
  const last = (chat: string) => tg.sentTo(chat).at(-1)!;
  const buttons = (chat: string) => (last(chat).replyMarkup?.inline_keyboard ?? []).flat();
  const say = async (chat: string, text: string) => {
    tg.userSends(chat, text);
    await poll();
    return last(chat).text;
  };
  const press = async (chat: string, data: string) => {
    tg.userPresses(chat, data);
    await poll();
    return last(chat).text;
  };

  beforeAll(async () => {
    h = await createTestDatabase();
    tg = await startFakeTelegram();
    wb = await startFakeWb({ orders: 60, sales: 20, products: 5, reviews: 14, from: new Date(Date.now() - 3 * 86_400_000), orderStepMs: 30 * 60_000 });
    const config = resolveConfig({ home: '/nonexistent-mp-home' }, { MP_WB_URL: wb.url, MP_TELEGRAM_URL: tg.url });
    const log = createLogger({ stream: { write: () => true, isTTY: false } as never, quiet: true });
    deps = { db: h.db, config, log, clock: systemClock, secretKey };
    client = new TelegramClient({ baseUrl: tg.url, token: tg.token });
    await saveBotToken(h.db, hash, null, null);
  });
  afterAll(async () => {
    tg?.verify();
    wb?.server.verify();
    await client?.close();
    await tg?.stop();
    await wb?.server.stop();
    await h?.close();
  });

  it('serves an English-speaking user in English from /start to every report, errors included', { timeout: 120_000 }, async () => {
    tg.setLanguage(en, 'en');
    expect(await say(en, '/start')).toContain('Send your WB API token');
    expect((await getChat(h.db, en))?.telegram_lang).toBe('en');

    // Errors: an unknown command, a malformed, an expired and a refused token, WB's rate limit.
    expect(await say(en, '/stats')).toBe('I do not know the command /stats. Commands: /start to begin, /menu for the menu, /lang for the language.');
    expect(await say(en, 'not-a-token')).toBe(
      'The token was not accepted: this does not look like a WB token: copy all of it from the “API access” section\n\nSend another token.',
    );
    expect(await say(en, makeWbToken({ expiresAt: new Date(Date.now() - 86_400_000) }))).toContain(
      'The token was not accepted: the token has expired: create a new one',
    );
    wb.server.fault('/api/v1/seller-info', { status: 401, body: { title: 'unauthorized', detail: 'token withdrawn' } }, 'GET');
    expect(await say(en, wb.token)).toContain('The token was not accepted: Wildberries refused the token: it was revoked or is wrong');
    wb.server.fault('/api/v1/seller-info', { status: 429, headers: { 'x-ratelimit-retry': '600' }, body: { title: 'too many requests' } }, 'GET');
    expect(await say(en, wb.token)).toBe('Wildberries asks to slow down: too many requests. Send the token again in a few minutes.');

    // The real token: progress and menu in English; the cabinet's notifications in English too.
    await say(en, wb.token);
    const progress = tg.sentTo(en).filter((m) => m.method === 'editMessageText');
    expect(progress.at(-1)!.text).toMatch(/is connected\. Loading the last 30 days…\n✅ cards\n✅ orders\n✅ sales\n✅ stocks\n✅ reviews$/);
    expect(last(en).text).toMatch(/^Cabinet <b>.+<\/b>\. Choose a section:$/);
    expect(buttons(en).map((b) => b.text)).toEqual([
      '🛒 Latest orders',
      '📦 Stocks',
      '⭐ Reviews',
      '📈 Sales, 7 days',
      '🔔 Notifications',
      '🏪 Cabinets',
      '🌐 Русский',
    ]);
    const recipient = await h.db.selectFrom('notify_recipients').selectAll().where('chat_id', '=', en).executeTakeFirstOrThrow();
    expect(recipient.lang).toBe('en');

    // Reports: headings, labels and plurals in English; money with its currency, English digits.
    const orders = await press(en, 'o');
    expect(orders).toMatch(/^🛒 <b>Latest orders<\/b> \(.+ MSK\)$/m);
    expect(orders).toMatch(/ · [\d,]+(\.\d\d)?\u00a0₽/);
    expect(orders).not.toMatch(/\d \d{3}/); // no Russian thousands spacing
    const order = await press(en, buttons(en).find((b) => b.callback_data.startsWith('oc:'))!.callback_data);
    expect(order).toMatch(/^🔎 <b>Order .+<\/b> \(.+ MSK\) — (active|cancelled)$/m);
    expect(order).toMatch(/^Price: [\d,.]+\u00a0₽, discount \d+%, WB discount \d+%, the buyer paid [\d,.]+\u00a0₽$/m);
    expect(order).toMatch(/^\d+ days: \d+ orders?, \d+ buyouts?, \d+ returns?/m);
    expect(order).toMatch(/^Reviews: \d+ reviews?, average rating /m);
    expect(buttons(en).map((b) => b.text)).toEqual(['« Orders', '« Menu']);
    expect(await press(en, 's')).toMatch(/^📦 <b>Stocks<\/b> \(lowest first\)\n.+: <b>\d+<\/b> pcs/);
    const reviews = await press(en, 'r');
    expect(reviews.split('\n')[0]).toBe('⭐ <b>Latest reviews</b>');
    expect(reviews).toMatch(/<i>(Pros|Cons|Comment):<\/i>/);
    expect(reviews).not.toMatch(/Достоинства|Недостатки|Комментарий|без ответа/);
    const sales = await press(en, 'p');
    expect(sales.split('\n')[0]).toMatch(/^📈 <b>Sales, 7 days<\/b>/);
    expect(sales).toMatch(/^\d{4}-\d\d-\d\d: \d+ orders? \([\d,.]+\u00a0₽\), \d+ buyouts?, \d+ returns?, \d+ cancellations?$/m);
    expect(sales).toMatch(/^Today: \d+ orders?, yesterday: \d+ orders?$/m);
    const settings = await press(en, 'n');
    expect(settings).toMatch(/^🔔 Notifications of cabinet <b>.+<\/b>: on\nNegative review: rating ≤ \d; critical stock: ≤ \d+ pcs\nTap to switch on or off:$/);
    expect(buttons(en).map((b) => b.text)).toContain('✅ New orders');
    expect(await press(en, 'c')).toBe('<b>🏪 Cabinets</b>');
    expect(buttons(en).map((b) => b.text)).toContain('➕ Add a cabinet');

    // Nothing the bot says to this chat is Russian but the data: names in bold, products, buyers' words, places.
    const words = tg
      .sentTo(en)
      .flatMap((m) => m.text.split('\n'))
      .filter((l) => !/^(★|☆|<i>|Warehouse: )/.test(l) && l !== 'Язык: /lang') // the welcome's pointer for a Russian reader
      .map((l) => l.replace(/<b>[^<]*<\/b>/g, '').replace(/Товар \d+/g, ''));
    expect(words.filter((l) => CYRILLIC.test(l))).toEqual([]);
    for (const m of tg.sent) expect(parseTelegramHtml(m.text).error).toBeUndefined();
  });

  it('/lang overrides Telegram’s language and the choice survives restarts; the menu button switches back', async () => {
    expect(await say(en, '/lang')).toBe('Choose a language:\nВыберите язык:');
    expect(buttons(en).map((b) => b.callback_data)).toEqual(['lang:ru', 'lang:en']);
    await press(en, 'lang:ru');
    const afterChoice = tg.sentTo(en).slice(-2);
    expect(afterChoice[0]!.text).toBe('Язык: русский. Сменить: /lang');
    expect(afterChoice[1]!.text).toMatch(/Выберите раздел:$/);
    const chat = await getChat(h.db, en);
    expect(chat).toMatchObject({ chosen_lang: 'ru', telegram_lang: 'en' });
    // The chat's notifications follow the choice.
    const recipient = await h.db.selectFrom('notify_recipients').select('lang').where('chat_id', '=', en).executeTakeFirstOrThrow();
    expect(recipient.lang).toBe('ru');

    // A restart (a new TelegramClient and bot run); Telegram still says "en": the choice wins.
    await client.close();
    client = new TelegramClient({ baseUrl: tg.url, token: tg.token });
    expect(await say(en, '/menu')).toMatch(/^Кабинет <b>.+<\/b>\. Выберите раздел:$/);
    expect(buttons(en).at(-1)).toEqual({ text: '🌐 English', callback_data: 'lang:en' });
    expect(await press(en, 's')).toMatch(/^📦 <b>Остатки<\/b>/);
    expect(await say(en, '/stats')).toBe('Не знаю команду /stats. Команды: /start — начать, /menu — меню, /lang — язык.');

    // The menu's button switches back; /lang en works as well.
    await press(en, 'lang:en');
    expect(tg.sentTo(en).at(-2)!.text).toBe('Language: English. To change it: /lang');
    expect(last(en).text).toMatch(/Choose a section:$/);
    expect(await say(en, '/lang ru')).toMatch(/Выберите раздел:$/);
    expect(await say(en, '/lang English')).toMatch(/Choose a section:$/);
    expect(await say(en, '/lang Русский')).toMatch(/Выберите раздел:$/);
    expect(await say(en, '/lang en')).toMatch(/Choose a section:$/);
    expect((await getChat(h.db, en))?.chosen_lang).toBe('en');
  });

  it('takes Telegram’s language_code: ru, uk, be, kk → Russian; others → English; none → Russian', async () => {
    const cases: [string, string | null, RegExp][] = [
      ['888011', 'kk', /Отправьте API-токен WB/],
      ['888012', 'uk', /Отправьте API-токен WB/],
      ['888013', 'be', /Отправьте API-токен WB/],
      ['888014', 'pt-br', /Send your WB API token/],
      ['888015', 'de', /Send your WB API token/],
      ['888016', null, /Отправьте API-токен WB/],
    ];
    for (const [chat, code] of cases) {
      tg.setLanguage(chat, code);
      tg.userSends(chat, '/start');
    }
    await poll();
    for (const [chat, , expected] of cases) expect(last(chat).text).toMatch(expected);
    // The user switches their Telegram app to English later: the bot follows (no choice was made).
    tg.setLanguage('888011', 'en');
    expect(await say('888011', '/start')).toContain('Send your WB API token');
  });

  it('tells why a stream of the initial sync failed in the user’s language (WB’s rate limit)', { timeout: 120_000 }, async () => {
    const wb2 = await startFakeWb({ orders: 5, sales: 2, products: 2, reviews: 2, from: new Date(Date.now() - 86_400_000) });
    const deps2 = { ...deps, config: resolveConfig({ home: '/nonexistent-mp-home' }, { MP_WB_URL: wb2.url, MP_TELEGRAM_URL: tg.url }) };
    wb2.server.fault('/api/v1/supplier/orders', { status: 429, headers: { 'x-ratelimit-retry': '600' }, body: { title: 'too many requests' } }, 'GET');
    const chat = '888041';
    tg.setLanguage(chat, 'en');
    try {
      tg.userSends(chat, '/start');
      tg.userSends(chat, wb2.token);
      await runBot(h, deps2, { tokenHash: hash, client, once: true });
      const progress = tg
        .sentTo(chat)
        .filter((m) => m.method === 'editMessageText')
        .at(-1)!.text;
      expect(progress).toMatch(/\n✅ cards\n❌ orders: Wildberries asks to slow down: too many requests\n✅ sales\n/);
      expect(last(chat).text).toMatch(/Choose a section:$/);
      wb2.server.verify();
    } finally {
      await wb2.server.stop();
    }
  });

  it('waits out Telegram’s 429 on its own answer: the user still gets it, once', async () => {
    const before = tg.sentTo(en).length;
    tg.rateLimit(1, 1, en);
    const started = Date.now();
    expect(await say(en, '/menu')).toMatch(/Choose a section:$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(tg.sentTo(en).length).toBe(before + 1);
  });

  it('tells Telegram the commands in English for everyone and in Russian for ru, uk, be, kk', async () => {
    tg.commands.length = 0;
    const controller = new AbortController();
    const running = runBot(h, deps, { tokenHash: hash, client, signal: controller.signal, pollSeconds: 1, deliverEveryMs: 0 });
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await running;
    expect(tg.commands.map((c) => c.languageCode)).toEqual([undefined, 'ru', 'uk', 'be', 'kk']);
    expect(tg.commands[0]!.commands).toContainEqual({ command: 'lang', description: 'Language: English or Русский' });
    expect(tg.commands[1]!.commands).toContainEqual({ command: 'menu', description: 'Меню' });
  });

  it('answers “no cabinet” and an internal failure in the user’s language, with no details of the failure', async () => {
    // A chat at its menu whose user has no cabinet (it was removed meanwhile).
    const noCabinet = '888021';
    tg.setLanguage(noCabinet, 'en');
    const user = await ensureTelegramUser(h.db, noCabinet);
    await saveChat(h.db, noCabinet, { user_id: user.id, state: 'menu' });
    expect(await press(noCabinet, 'o')).toBe('No Wildberries cabinet is connected yet. Send a WB API token to connect one.');
    tg.setLanguage(noCabinet, 'ru');
    await saveChat(h.db, noCabinet, { state: 'menu' });
    expect(await press(noCabinet, 's')).toBe('Кабинет Wildberries ещё не подключён. Отправьте API-токен WB, чтобы подключить его.');

    // An internal failure: the orders table is gone (a broken database), the screen cannot be built.
    await h.db.schema.alterTable('wb_orders').renameTo('wb_orders_away').execute();
    try {
      expect(await press(en, 'o')).toBe('Something went wrong on our side. Please try again later: /menu');
      await saveChat(h.db, en, { chosen_lang: 'ru' });
      expect(await press(en, 'p')).toBe('Что-то пошло не так на нашей стороне. Попробуйте ещё раз позже: /menu');
      expect(
        tg
          .sentTo(en)
          .slice(-2)
          .map((m) => m.text)
          .join('\n'),
      ).not.toMatch(/wb_orders|relation|error|at /i);
    } finally {
      await h.db.schema.alterTable('wb_orders_away').renameTo('wb_orders').execute();
    }
  });
});
