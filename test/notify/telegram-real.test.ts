// The bot on REAL getUpdates answers (fixtures/telegram/), and the fake Telegram held against them:
// its updates and sent messages may use only keys the real answers have, with their JSON types, and
// carry every key every real one had (test/support/shape-check.ts). A User, a Chat and a Message are
// checked as what they are wherever they appear (the 2017 message's sender, the 2024 update's members).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/log.js';
import { systemClock } from '../../src/core/time.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import type { NotifyDeps } from '../../src/notify/notify.service.js';
import { runBot } from '../../src/notify/telegram/bot.service.js';
import { botTokenHash } from '../../src/notify/telegram/bot-token.js';
import { saveBotToken } from '../../src/notify/telegram/bot-token.repository.js';
import { TelegramClient } from '../../src/notify/telegram/telegram-client.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { checkShape, learnShape } from '../support/shape-check.js';
import { secretKey } from './helpers.js';

type Obj = Record<string, any>;
const real = (name: string): Obj => JSON.parse(readFileSync(new URL(`../../fixtures/telegram/${name}`, import.meta.url), 'utf8'));
const message2017 = real('getUpdates_2017_message.json');
const member2024 = real('getUpdates_2024_my_chat_member.json');

const realMessage = message2017.result[0].message;
const member = member2024.result[0].my_chat_member;
const userShape = learnShape([realMessage.from, member.from, member.old_chat_member.user, member.new_chat_member.user]);
const chatShape = learnShape([realMessage.chat, member.chat]);
const { from: _f, chat: _c, ...messageRest } = realMessage;
const messageShape = learnShape([messageRest]);
const updateShape = learnShape([message2017, member2024].map((a) => ({ ok: a.ok, result: a.result.map((u: Obj) => ({ update_id: u.update_id })) })));

/** A Message checked part by part: its own keys, its sender as a User, its chat as a Chat. */
function checkMessage(m: Obj, at: string): string[] {
  const { from, chat, ...rest } = m;
  return [...checkShape(messageShape, rest, at), ...checkShape(userShape, from, `${at}.from`), ...checkShape(chatShape, chat, `${at}.chat`)];
}

let h: TestDatabase;
let tg: FakeTelegram;
let client: TelegramClient;
let deps: NotifyDeps;
const hash = botTokenHash('123456:TEST-token');

beforeAll(async () => {
  h = await createTestDatabase();
  tg = await startFakeTelegram();
  client = new TelegramClient({ baseUrl: tg.url, token: tg.token });
  const config = resolveConfig({ home: '/nonexistent-mp-home' }, { MP_TELEGRAM_URL: tg.url });
  deps = { db: h.db, config, log: createLogger({ stream: { write: () => true, isTTY: false } as never, quiet: true }), clock: systemClock, secretKey };
  await saveBotToken(h.db, hash, null, null);
});
afterAll(async () => {
  await client?.close();
  await tg?.stop();
  await h?.close();
});

describe('the bot on real getUpdates answers', () => {
  it("answers the 2017 private message, passes over the channel's my_chat_member, and confirms both", async () => {
    tg.pushUpdate(message2017.result[0]);
    tg.pushUpdate(member2024.result[0]);
    expect(await runBot(h, deps, { tokenHash: hash, client, once: true })).toEqual({ updates: 2 });
    expect(tg.sentTo('336435018').length).toBeGreaterThan(0);
    expect(tg.sentTo('-1002025237232')).toEqual([]);
    expect(await runBot(h, deps, { tokenHash: hash, client, once: true })).toEqual({ updates: 0 });
    expect(tg.offsets.at(-1)).toBe(632156493);
    expect(tg.pendingUpdates()).toBe(0);
  });
});

describe('the fake Telegram answers in the shape of the real ones', () => {
  it('the check reports a key a real User does not have', () => {
    expect(checkShape(userShape, { id: 1, first_name: 'A', is_premium_user: true })).toEqual(['$.is_premium_user: not in the real answers']);
  });

  it('getUpdates with a message and a button press; a sent message', async () => {
    tg.userSends('555', '/start');
    const call = async (method: string, body: Obj): Promise<Obj> =>
      (
        await fetch(`${tg.url}/bot${tg.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      ).json() as Promise<Obj>;
    const sent = await call('sendMessage', { chat_id: 555, text: 'Меню', parse_mode: 'HTML' });
    expect(checkShape(learnShape([{ ok: true, result: {} }]), { ok: sent.ok, result: {} })).toEqual([]);
    expect(checkMessage(sent.result, 'sendMessage.result')).toEqual([]);
    tg.userPresses('555', 'm', sent.result.message_id);
    const answer = await call('getUpdates', { offset: 0, timeout: 0 });
    expect(checkShape(updateShape, { ok: answer.ok, result: answer.result.map((u: Obj) => ({ update_id: u.update_id })) })).toEqual([]);
    const [msg, press] = answer.result;
    expect(checkMessage(msg.message, 'message')).toEqual([]);
    const { message, from, ...query } = press.callback_query;
    expect(Object.keys(query).sort()).toEqual(['chat_instance', 'data', 'id']);
    expect(checkShape(userShape, from)).toEqual([]);
    expect(checkMessage(message, 'callback_query.message')).toEqual([]);
  });
});
