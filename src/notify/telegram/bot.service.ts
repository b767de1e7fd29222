// The Telegram bot: long polling with getUpdates, the offset kept in the database (saved after each
// update, so a restart repeats at most the one update it was handling and loses none), one poller
// per token (advisory lock), and the seed's journey: /start → WB token (message deleted) →
// validation → initial sync with progress → menu. An initial sync runs beside the polling (other
// chats are served meanwhile; that chat gets "still loading" until its menu) and resumes after a restart.
import { UserError } from '../../core/errors.js';
import type { DbHandle } from '../../db/connect.js';
import { withAdvisoryLock } from '../../db/locks.js';
import { addCabinet } from '../../wb/cabinet.service.js';
import { syncWbCabinets } from '../../wb/sync.operation.js';
import { WB_STREAMS } from '../../wb/sync.service.js';
import { deliverNotifications } from '../deliver.operation.js';
import type { NotifyDeps } from '../notify.service.js';
import { notifyConfig } from '../notify-config.js';
import { Pacer, sleep } from '../pacer.js';
import { enableChat, listRecipients, type RecipientWithCabinet, updateRecipientSettings, upsertTelegramRecipient } from '../recipient.repository.js';
import { type NotifyType, WB_NOTIFY_TYPES } from '../types.js';
import { cabinetsKeyboard, type Keyboard, mainMenu, STREAM_NAMES, settingsKeyboard, settingsText, TEXT, tokenProblem } from './bot-menu.js';
import { latestOrders, orderScreen, reviewsScreen, salesScreen, stocksScreen } from './bot-reports.js';
import { noBotToken, resolveBotToken } from './bot-token.js';
import { chatsSyncing, getChat, saveChat, saveOffset, updateOffset } from './bot-token.repository.js';
import { ensureTelegramUser, userCabinets } from './bot-user.repository.js';
import { escapeHtml } from './html.js';
import { TelegramClient, TelegramError, type TelegramUpdate } from './telegram-client.js';

export interface BotOptions {
  tokenHash: string;
  client: TelegramClient;
  pacer?: Pacer;
  /** Handle what is waiting now, then return (tests, cron). */
  once?: boolean;
  signal?: AbortSignal;
  /** getUpdates long-poll timeout in seconds (default 25). */
  pollSeconds?: number;
  /** Deliver pending notifications every this many ms between polls (default 30 s; 0 = never). */
  deliverEveryMs?: number;
}

/**
 * `mp wb bot`: the configured bot (MP_TELEGRAM_BOT_TOKEN or `mp wb bot setup`) with the configured
 * pace, until the signal aborts (or, with `once`, until no update is waiting). Throws when no bot
 * token is set.
 */
export async function runConfiguredBot(
  handle: DbHandle,
  deps: NotifyDeps,
  o: Pick<BotOptions, 'once' | 'signal'> & { onStart?: () => void },
): Promise<{ updates: number }> {
  const bot = await resolveBotToken(deps.db, deps.config, deps.secretKey);
  if (!bot) throw noBotToken();
  const nc = notifyConfig(deps.config);
  const client = new TelegramClient({ baseUrl: nc.telegramUrl, token: bot.token, log: deps.log });
  try {
    o.onStart?.();
    return await runBot(handle, deps, {
      tokenHash: bot.hash,
      client,
      pacer: new Pacer({ perSecond: nc.perSecond, perChatMs: nc.perChatMs }),
      once: o.once,
      signal: o.signal,
    });
  } finally {
    await client.close();
  }
}

/** Runs the bot until the signal aborts (or, with `once`, until no update is waiting). */
export async function runBot(handle: DbHandle, deps: NotifyDeps, o: BotOptions): Promise<{ updates: number }> {
  const result = await withAdvisoryLock(handle, `telegram-bot:${o.tokenHash}`, () => pollLoop(handle, deps, o));
  if (!result.acquired) {
    throw new UserError(
      'TELEGRAM_BOT_RUNNING',
      'another `mp wb bot` is already polling this bot token: only one poller may run per token; stop the other one first',
    );
  }
  return result.value;
}

async function pollLoop(handle: DbHandle, deps: NotifyDeps, o: BotOptions): Promise<{ updates: number }> {
  const bot = new Bot(handle, deps, o.client);
  // Initial syncs a previous run left unfinished go on (each page it committed stays committed).
  for (const c of await chatsSyncing(deps.db)) bot.startSync(c.chat_id, c.cabinet_id);
  try {
    return await pollUpdates(handle, deps, o, bot);
  } finally {
    // Initial syncs run beside the polling; stop only when they are done.
    await bot.syncsDone(deps.log);
  }
}

async function pollUpdates(handle: DbHandle, deps: NotifyDeps, o: BotOptions, bot: Bot): Promise<{ updates: number }> {
  let handled = 0;
  let lastDelivery = 0;
  while (!o.signal?.aborted) {
    const offset = await updateOffset(deps.db, o.tokenHash);
    let updates: TelegramUpdate[];
    try {
      const timeout = o.once ? 0 : (o.pollSeconds ?? 25);
      updates = await o.client.call<TelegramUpdate[]>(
        'getUpdates',
        { offset, timeout, allowed_updates: ['message', 'callback_query'] },
        { timeoutMs: (timeout + 15) * 1000, signal: o.signal },
      );
    } catch (error) {
      if (o.signal?.aborted) break;
      if (error instanceof TelegramError && error.kind === 'conflict') {
        throw new UserError(
          'TELEGRAM_BOT_CONFLICT',
          'Telegram says another getUpdates poller or a webhook uses this bot token: stop it (or deleteWebhook) and start again',
        );
      }
      if (error instanceof TelegramError && error.kind === 'unauthorized') throw error;
      deps.log.warn(`getUpdates failed: ${(error as Error).message}; retrying in 5 s`);
      await sleep(5000, o.signal);
      continue;
    }
    for (const update of updates) {
      try {
        await bot.handle(update);
      } catch (error) {
        deps.log.error(`bot update ${update.update_id} failed: ${(error as Error).message}`);
      }
      await saveOffset(deps.db, o.tokenHash, update.update_id + 1);
      handled++;
    }
    const every = o.deliverEveryMs ?? 30_000;
    if (every > 0 && Date.now() - lastDelivery >= every && !o.once) {
      lastDelivery = Date.now();
      // The delivery operation takes the wb.notify lock: while the daemon (or cron) delivers, the bot
      // leaves it to it, so two paces never add up at Telegram.
      await deliverNotifications({ ...deps, handle }, { telegram: o.pacer ? { client: o.client, pacer: o.pacer } : undefined, outbox: false }).catch(
        (error: unknown) => deps.log.warn(`delivery failed: ${(error as Error).message}`),
      );
    }
    if (o.once && updates.length === 0) break;
  }
  return { updates: handled };
}

class Bot {
  /** Initial syncs under way, by chat: they run beside the polling, so other chats are served meanwhile. */
  private readonly syncs = new Map<string, Promise<void>>();

  constructor(
    private readonly dbHandle: DbHandle,
    private readonly deps: NotifyDeps,
    private readonly tg: TelegramClient,
  ) {}

  /** Starts a chat's initial sync in the background (once per chat). */
  startSync(chat: string, cabinetId: string): void {
    if (this.syncs.has(chat)) return;
    const run = this.initialSync(chat, cabinetId)
      .catch((error: unknown) => this.deps.log.error(`initial sync for chat ${chat} failed: ${(error as Error).message}; it resumes on /start`))
      .finally(() => this.syncs.delete(chat));
    this.syncs.set(chat, run);
  }

  async syncsDone(log: NotifyDeps['log']): Promise<void> {
    if (this.syncs.size > 0) {
      log.info(`waiting for ${this.syncs.size} initial sync(s) to finish (Ctrl-C again stops now; they go on when the bot starts again)`);
    }
    while (this.syncs.size > 0) await Promise.all([...this.syncs.values()]);
  }

  async handle(u: TelegramUpdate): Promise<void> {
    if (u.message?.text !== undefined && u.message.chat) return this.onMessage(String(u.message.chat.id), u.message.message_id, u.message.text.trim());
    const cb = u.callback_query;
    if (cb?.message) {
      await this.tg.call('answerCallbackQuery', { callback_query_id: cb.id }).catch(() => {});
      return this.onButton(String(cb.message.chat.id), cb.message.message_id, cb.data ?? '');
    }
  }

  private send(chat: string, text: string, keyboard?: Keyboard) {
    return this.tg.sendMessage(chat, text, keyboard ? { reply_markup: keyboard } : {});
  }

  private async onMessage(chat: string, messageId: number, text: string): Promise<void> {
    const user = await ensureTelegramUser(this.deps.db, chat);
    const state = await getChat(this.deps.db, chat);
    if (text === '/start' || text === '/menu') {
      if (text === '/start') await enableChat(this.deps.db, chat, this.deps.clock.now());
      if (state?.state === 'syncing' && state.cabinet_id) {
        // Not reachable while the initial sync runs; after a restart that lost it, /start resumes it.
        if (this.syncs.has(chat)) await this.send(chat, TEXT.syncBusy);
        else this.startSync(chat, state.cabinet_id);
        return;
      }
      const cabinets = await userCabinets(this.deps.db, user.id);
      if (cabinets.length === 0) {
        await saveChat(this.deps.db, chat, { user_id: user.id, state: 'await_token' });
        await this.send(chat, TEXT.welcome);
        return;
      }
      // Back after a block: the chat's subscriptions are enabled again.
      for (const c of cabinets) await upsertTelegramRecipient(this.deps.db, c.id, chat, user.id);
      await saveChat(this.deps.db, chat, { user_id: user.id, state: 'menu', cabinet_id: state?.cabinet_id ?? cabinets[0]!.id });
      return this.showMenu(chat);
    }
    if (state?.state === 'await_token') return this.onToken(chat, messageId, text, user);
    if (state?.state === 'syncing') {
      await this.send(chat, TEXT.syncBusy);
      return;
    }
    await this.showMenu(chat);
  }

  private async onToken(chat: string, messageId: number, token: string, user: { id: string; name: string }): Promise<void> {
    // The token must not stay in the chat history.
    await this.tg.call('deleteMessage', { chat_id: chat, message_id: messageId }).catch(() => {});
    await this.send(chat, TEXT.checking);
    let cabinetId: string;
    try {
      const added = await addCabinet({ ...this.deps, userName: user.name }, token);
      cabinetId = added.cabinet.id;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      await this.send(chat, TEXT.badToken(tokenProblem(error)));
      return;
    }
    await upsertTelegramRecipient(this.deps.db, cabinetId, chat, user.id);
    await saveChat(this.deps.db, chat, { user_id: user.id, state: 'syncing', cabinet_id: cabinetId });
    this.startSync(chat, cabinetId);
  }

  /** The first sync, stream by stream, with a progress message edited as it goes; then the menu. */
  private async initialSync(chat: string, cabinetId: string): Promise<void> {
    const cabinets = await userCabinets(this.deps.db, (await getChat(this.deps.db, chat))?.user_id ?? '0');
    const name = cabinets.find((c) => c.id === cabinetId)?.name ?? cabinetId;
    const progress = await this.send(chat, TEXT.syncStart(name));
    const done: string[] = [];
    for (const stream of WB_STREAMS) {
      // Through the WB sync operation: under the cabinet's lock, so cron or the daemon never sync it beside us
      // (a stream they are syncing right now shows as done: they finish it).
      const [outcome] = await syncWbCabinets({ ...this.deps, handle: this.dbHandle }, { cabinet: cabinetId, only: [stream] })
        .then((r) => r.outcomes)
        .catch((error: unknown) => [{ status: 'failed', error: (error as Error).message } as const]);
      const mark = outcome?.status === 'failed' ? `❌ ${STREAM_NAMES[stream]}: ${escapeHtml(outcome.error ?? '')}` : `✅ ${STREAM_NAMES[stream]}`;
      done.push(mark);
      await this.tg
        .call('editMessageText', { chat_id: chat, message_id: progress.message_id, text: [TEXT.syncStart(name), ...done].join('\n'), parse_mode: 'HTML' })
        .catch(() => {});
    }
    await saveChat(this.deps.db, chat, { state: 'menu', cabinet_id: cabinetId });
    await this.showMenu(chat);
  }

  private async showMenu(chat: string): Promise<void> {
    const state = await getChat(this.deps.db, chat);
    const cabinets = await userCabinets(this.deps.db, state?.user_id ?? '0');
    const current = cabinets.find((c) => c.id === state?.cabinet_id) ?? cabinets[0];
    if (!current) {
      await saveChat(this.deps.db, chat, { state: 'await_token' });
      await this.send(chat, TEXT.welcome);
      return;
    }
    await this.send(chat, TEXT.menu(current.name), mainMenu());
  }

  private async onButton(chat: string, messageId: number, data: string): Promise<void> {
    const state = await getChat(this.deps.db, chat);
    if (!state || state.state === 'syncing' || state.state === 'new') {
      await this.send(chat, state?.state === 'syncing' ? TEXT.syncBusy : TEXT.welcome);
      return;
    }
    const cabinetId = state.cabinet_id;
    const now = this.deps.clock.now();
    const screen = async (load: () => Promise<{ text: string; keyboard: Keyboard }>) => {
      const s = await load().catch((error: unknown) => ({ text: escapeHtml((error as Error).message), keyboard: mainMenu() }));
      await this.send(chat, s.text, s.keyboard);
    };
    if (data === 'm' || !cabinetId) return this.showMenu(chat);
    if (data === 'o') return screen(() => latestOrders(this.deps.db, cabinetId, now));
    if (data.startsWith('oc:')) return screen(() => orderScreen(this.deps.db, cabinetId, data.slice(3), now));
    if (data === 's') return screen(() => stocksScreen(this.deps.db, cabinetId, now));
    if (data === 'r') return screen(() => reviewsScreen(this.deps.db, cabinetId));
    if (data === 'p') return screen(() => salesScreen(this.deps.db, cabinetId, now));
    if (data === 'n' || data.startsWith('t:')) return this.settings(chat, messageId, cabinetId, state.user_id, data);
    if (data === 'c') {
      const cabinets = await userCabinets(this.deps.db, state.user_id ?? '0');
      await this.send(chat, '🏪 <b>Кабинеты</b>', cabinetsKeyboard(cabinets, cabinetId));
      return;
    }
    if (data.startsWith('cab:')) {
      const cabinets = await userCabinets(this.deps.db, state.user_id ?? '0');
      if (cabinets.some((c) => c.id === data.slice(4))) await saveChat(this.deps.db, chat, { cabinet_id: data.slice(4) });
      return this.showMenu(chat);
    }
    if (data === 'add') {
      await saveChat(this.deps.db, chat, { state: 'await_token' });
      await this.send(chat, TEXT.welcome);
    }
  }

  /** The settings screen; a toggle writes the same columns as `mp wb notify settings`. */
  private async settings(chat: string, messageId: number, cabinetId: string, userId: string | null, data: string): Promise<void> {
    let r: RecipientWithCabinet | undefined = (await listRecipients(this.deps.db, { cabinetId, chatId: chat }))[0];
    if (!r) {
      await upsertTelegramRecipient(this.deps.db, cabinetId, chat, userId);
      r = (await listRecipients(this.deps.db, { cabinetId, chatId: chat }))[0]!;
    }
    if (data.startsWith('t:')) {
      const what = data.slice(2);
      if (what === 'all') await updateRecipientSettings(this.deps.db, r.id, { enabled: !r.enabled });
      else if ((WB_NOTIFY_TYPES as readonly string[]).includes(what)) {
        const types = new Set(r.types);
        if (types.has(what)) types.delete(what);
        else types.add(what);
        await updateRecipientSettings(this.deps.db, r.id, { types: WB_NOTIFY_TYPES.filter((t) => types.has(t)) as NotifyType[] });
      }
      r = (await listRecipients(this.deps.db, { cabinetId, chatId: chat }))[0]!;
      await this.tg.call('editMessageText', {
        chat_id: chat,
        message_id: messageId,
        text: settingsText(r.cabinet_name ?? '', r),
        parse_mode: 'HTML',
        reply_markup: settingsKeyboard(r),
      });
      return;
    }
    await this.send(chat, settingsText(r.cabinet_name ?? '', r), settingsKeyboard(r));
  }
}
