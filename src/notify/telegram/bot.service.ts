// The Telegram bot: long polling with getUpdates, the offset kept in the database (saved after each
// update, so a restart repeats at most the one update it was handling and loses none), one poller
// per token (advisory lock), and the seed's journey: /start → WB token (message deleted) →
// validation → initial sync with progress → menu. An initial sync runs beside the polling (other
// chats are served meanwhile; that chat gets "still loading" until its menu) and resumes after a restart.
// Each chat is served in its language (bot-words.ts): the user's /lang choice, else the
// `language_code` of their updates, else Russian; every failure answers one line in that language.
import { errorCode, errorMessage, RateLimitedError, UserError } from '../../core/errors.js';
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
import { type Lang, type NotifyType, WB_NOTIFY_TYPES } from '../types.js';
import { cabinetsKeyboard, type Keyboard, languageKeyboard, mainMenu, settingsKeyboard, settingsText, tokenProblem } from './bot-menu.js';
import { latestOrders, orderScreen, reviewsScreen, salesScreen, stocksScreen } from './bot-reports.js';
import { noBotToken, resolveBotToken } from './bot-token.js';
import { chatsSyncing, getChat, saveChat, saveOffset, updateOffset } from './bot-token.repository.js';
import { ensureTelegramUser, userCabinets } from './bot-user.repository.js';
import { botWords, COMMANDS, chatLanguage, LANGUAGE_NAMES, languageOf, PROBLEMS, RATE_CODES, RUSSIAN_CODES, STREAM_NAMES, TOKEN_CODES } from './bot-words.js';
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

/**
 * Tells Telegram the bot's commands with their descriptions in each language (shown under "/"):
 * English for everyone, Russian for the app languages served in Russian. A failure only warns.
 */
export async function registerCommands(client: TelegramClient, log: NotifyDeps['log']): Promise<void> {
  const list = (lang: Lang) => COMMANDS.map((c) => ({ command: c.command, description: c.description[lang] }));
  try {
    await client.call('setMyCommands', { commands: list('en') });
    for (const code of RUSSIAN_CODES) await client.call('setMyCommands', { commands: list('ru'), language_code: code });
  } catch (error) {
    log.warn(`setMyCommands failed: ${errorMessage(error)}; the command list in Telegram stays as it was`);
  }
}

async function pollLoop(handle: DbHandle, deps: NotifyDeps, o: BotOptions): Promise<{ updates: number }> {
  // Once per start of a long-running bot (not per cron run of --once).
  if (!o.once) await registerCommands(o.client, deps.log);
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
      // handle() answers a failure in the chat; this only guards the loop.
      await bot.handle(update).catch((error: unknown) => deps.log.error(`bot update ${update.update_id} failed: ${errorMessage(error)}`));
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
      .catch(async (error: unknown) => {
        this.deps.log.error(`initial sync for chat ${chat} failed: ${errorMessage(error)}; it resumes on /start`);
        await this.send(chat, botWords(await this.language(chat)).internal).catch(() => {});
      })
      .finally(() => this.syncs.delete(chat));
    this.syncs.set(chat, run);
  }

  async syncsDone(log: NotifyDeps['log']): Promise<void> {
    if (this.syncs.size > 0) {
      log.info(`waiting for ${this.syncs.size} initial sync(s) to finish (Ctrl-C again stops now; they go on when the bot starts again)`);
    }
    while (this.syncs.size > 0) await Promise.all([...this.syncs.values()]);
  }

  /** One update; a failure is logged and answered with one line in the chat's language (never a stack). */
  async handle(u: TelegramUpdate): Promise<void> {
    const message = u.message?.text !== undefined && u.message.chat ? u.message : undefined;
    const cb = u.callback_query?.message ? u.callback_query : undefined;
    const chatId = message?.chat.id ?? cb?.message?.chat.id;
    if (chatId === undefined) return;
    const chat = String(chatId);
    let lang: Lang = 'ru';
    try {
      lang = await this.language(chat, (message?.from ?? cb?.from)?.language_code);
      if (message) return await this.onMessage(chat, message.message_id, (message.text ?? '').trim(), lang);
      if (cb?.message) {
        await this.tg.call('answerCallbackQuery', { callback_query_id: cb.id }).catch(() => {});
        return await this.onButton(chat, cb.message.message_id, cb.data ?? '', lang);
      }
    } catch (error) {
      this.deps.log.error(`bot update ${u.update_id} failed: ${errorMessage(error)}`, { stack: error instanceof Error ? error.stack : undefined });
      await this.send(chat, botWords(lang).internal).catch(() => {});
    }
  }

  /**
   * The chat's language: its user's choice, else what Telegram says (`language_code`, stored when
   * it changes), else Russian.
   */
  private async language(chat: string, languageCode?: string): Promise<Lang> {
    const row = await getChat(this.deps.db, chat);
    const fromTelegram = languageOf(languageCode);
    if (fromTelegram && row?.telegram_lang !== fromTelegram) await saveChat(this.deps.db, chat, { telegram_lang: fromTelegram });
    return chatLanguage({ chosen_lang: row?.chosen_lang, telegram_lang: fromTelegram ?? row?.telegram_lang });
  }

  /**
   * Sends one message. Telegram's 429 (this chat or the bot is sending too fast) is waited out, up to
   * 30 s and twice, so a user's press is answered late rather than not at all.
   */
  private async send(chat: string, text: string, keyboard?: Keyboard) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tg.sendMessage(chat, text, keyboard ? { reply_markup: keyboard } : {});
      } catch (error) {
        const wait = error instanceof TelegramError && error.kind === 'rate_limited' ? (error.retryAfterSec ?? 1) : undefined;
        if (wait === undefined || wait > 30 || attempt >= 2) throw error;
        this.deps.log.warn(`Telegram asks to wait ${wait} s before the next message to chat ${chat}`);
        await sleep(wait * 1000);
      }
    }
  }

  private async onMessage(chat: string, messageId: number, text: string, lang: Lang): Promise<void> {
    const w = botWords(lang);
    // `/start`, `/start@mp_bot`, `/lang en`: a command is the first word; a token never starts with "/".
    const [first = '', ...args] = text.split(/\s+/);
    const command = first.startsWith('/') ? first.split('@')[0]!.toLowerCase() : undefined;
    if (command === '/lang' || command === '/language') return this.onLanguageCommand(chat, args[0], lang);
    if (command === '/help') {
      await this.send(chat, w.help);
      return;
    }
    if (command !== undefined && command !== '/start' && command !== '/menu') {
      await this.send(chat, w.unknownCommand(escapeHtml(first.slice(0, 64))));
      return;
    }
    const user = await ensureTelegramUser(this.deps.db, chat);
    const state = await getChat(this.deps.db, chat);
    if (command !== undefined) {
      if (command === '/start') await enableChat(this.deps.db, chat, this.deps.clock.now());
      if (state?.state === 'syncing' && state.cabinet_id) {
        // Not reachable while the initial sync runs; after a restart that lost it, /start resumes it.
        if (this.syncs.has(chat)) await this.send(chat, w.syncBusy);
        else this.startSync(chat, state.cabinet_id);
        return;
      }
      const cabinets = await userCabinets(this.deps.db, user.id);
      if (cabinets.length === 0) {
        await saveChat(this.deps.db, chat, { user_id: user.id, state: 'await_token' });
        await this.send(chat, w.welcome);
        return;
      }
      // Back after a block: the chat's subscriptions are enabled again.
      for (const c of cabinets) await upsertTelegramRecipient(this.deps.db, c.id, chat, user.id);
      await saveChat(this.deps.db, chat, { user_id: user.id, state: 'menu', cabinet_id: state?.cabinet_id ?? cabinets[0]!.id });
      return this.showMenu(chat, lang);
    }
    if (state?.state === 'await_token') return this.onToken(chat, messageId, text, user, lang);
    if (state?.state === 'syncing') {
      await this.send(chat, w.syncBusy);
      return;
    }
    await this.showMenu(chat, lang);
  }

  /** `/lang` offers the two languages; `/lang en` (or `ru`, `English`, `русский`) switches at once. */
  private async onLanguageCommand(chat: string, arg: string | undefined, lang: Lang): Promise<void> {
    const asked = arg?.toLowerCase();
    const wanted = (['ru', 'en'] as const).find((l) => asked === l || asked === LANGUAGE_NAMES[l].toLowerCase());
    if (wanted) return this.setLanguage(chat, wanted);
    await this.send(chat, `${botWords(lang).chooseLanguage}\n${botWords(lang === 'ru' ? 'en' : 'ru').chooseLanguage}`, languageKeyboard());
  }

  /**
   * The user's explicit choice: kept on the chat (it wins over Telegram's language_code from now
   * on, restarts included) and given to the chat's notifications too; then back where the user was.
   */
  private async setLanguage(chat: string, lang: Lang): Promise<void> {
    await saveChat(this.deps.db, chat, { chosen_lang: lang });
    for (const r of await listRecipients(this.deps.db, { chatId: chat })) {
      if (r.lang !== lang) await updateRecipientSettings(this.deps.db, r.id, { lang });
    }
    const w = botWords(lang);
    await this.send(chat, w.languageSet);
    const state = await getChat(this.deps.db, chat);
    if (state?.state === 'menu') return this.showMenu(chat, lang);
    if (state?.state === 'syncing') await this.send(chat, w.syncBusy);
    else await this.send(chat, w.welcome);
  }

  private async onToken(chat: string, messageId: number, token: string, user: { id: string; name: string }, lang: Lang): Promise<void> {
    const w = botWords(lang);
    // The token must not stay in the chat history.
    await this.tg.call('deleteMessage', { chat_id: chat, message_id: messageId }).catch(() => {});
    await this.send(chat, w.checking);
    let cabinetId: string;
    try {
      const added = await addCabinet({ ...this.deps, userName: user.name }, token);
      cabinetId = added.cabinet.id;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      if (error instanceof RateLimitedError || RATE_CODES.has(error.code)) await this.send(chat, w.rateLimitedToken);
      else await this.send(chat, w.badToken(escapeHtml(tokenProblem(error, lang))));
      return;
    }
    const recipient = await upsertTelegramRecipient(this.deps.db, cabinetId, chat, user.id);
    // The cabinet's notifications come in the language the chat is served in.
    if (recipient.lang !== lang) await updateRecipientSettings(this.deps.db, recipient.id, { lang });
    await saveChat(this.deps.db, chat, { user_id: user.id, state: 'syncing', cabinet_id: cabinetId });
    this.startSync(chat, cabinetId);
  }

  /** The first sync, stream by stream, with a progress message edited as it goes; then the menu. */
  private async initialSync(chat: string, cabinetId: string): Promise<void> {
    const row = await getChat(this.deps.db, chat);
    const lang = chatLanguage(row);
    const w = botWords(lang);
    const cabinets = await userCabinets(this.deps.db, row?.user_id ?? '0');
    const name = escapeHtml(cabinets.find((c) => c.id === cabinetId)?.name ?? cabinetId);
    const progress = await this.send(chat, w.syncStart(name));
    const done: string[] = [];
    for (const stream of WB_STREAMS) {
      // Through the WB sync operation: under the cabinet's lock, so cron or the daemon never sync it beside us
      // (a stream they are syncing right now shows as done: they finish it).
      const [outcome] = await syncWbCabinets({ ...this.deps, handle: this.dbHandle }, { cabinet: cabinetId, only: [stream] })
        .then((r) => r.outcomes)
        .catch((error: unknown) => {
          this.deps.log.error(`initial sync of ${stream} for chat ${chat} failed: ${errorMessage(error)}`);
          return [{ status: 'failed', errorCode: errorCode(error) ?? 'INTERNAL' } as const];
        });
      const streamName = STREAM_NAMES[stream]?.[lang] ?? stream;
      const code = outcome?.errorCode ?? 'ERROR';
      const why = PROBLEMS[code]?.[lang] ?? w.syncFailed(code);
      done.push(outcome?.status === 'failed' ? `❌ ${streamName}: ${escapeHtml(why)}` : `✅ ${streamName}`);
      await this.tg
        .call('editMessageText', { chat_id: chat, message_id: progress.message_id, text: [w.syncStart(name), ...done].join('\n'), parse_mode: 'HTML' })
        .catch(() => {});
    }
    await saveChat(this.deps.db, chat, { state: 'menu', cabinet_id: cabinetId });
    await this.showMenu(chat, lang);
  }

  private async showMenu(chat: string, lang: Lang): Promise<void> {
    const w = botWords(lang);
    const state = await getChat(this.deps.db, chat);
    const cabinets = await userCabinets(this.deps.db, state?.user_id ?? '0');
    const current = cabinets.find((c) => c.id === state?.cabinet_id) ?? cabinets[0];
    if (!current) {
      await saveChat(this.deps.db, chat, { state: 'await_token' });
      await this.send(chat, w.noCabinet);
      return;
    }
    await this.send(chat, w.menu(escapeHtml(current.name)), mainMenu(lang));
  }

  /** What the chat is told when a screen failed: a known code in words, anything else (a bug) one line. */
  private problem(error: unknown, lang: Lang): string {
    const w = botWords(lang);
    const code = errorCode(error) ?? '';
    if (error instanceof RateLimitedError || RATE_CODES.has(code)) return w.rateLimited;
    if (TOKEN_CODES.has(code)) return w.tokenRefusedNow(escapeHtml(tokenProblem({ code }, lang)));
    const known = error instanceof UserError ? PROBLEMS[code]?.[lang] : undefined;
    if (known) return `⚠️ ${escapeHtml(known.charAt(0).toUpperCase() + known.slice(1))}`;
    this.deps.log.error(`bot screen failed: ${errorMessage(error)}`, { stack: error instanceof Error ? error.stack : undefined });
    return w.internal;
  }

  private async onButton(chat: string, messageId: number, data: string, lang: Lang): Promise<void> {
    const w = botWords(lang);
    if (data === 'lang:ru' || data === 'lang:en') return this.setLanguage(chat, data.slice(5) as Lang);
    const state = await getChat(this.deps.db, chat);
    if (!state || state.state === 'syncing' || state.state === 'new') {
      await this.send(chat, state?.state === 'syncing' ? w.syncBusy : w.welcome);
      return;
    }
    const cabinetId = state.cabinet_id;
    const now = this.deps.clock.now();
    const screen = async (load: () => Promise<{ text: string; keyboard: Keyboard }>) => {
      const s = await load().catch((error: unknown) => ({ text: this.problem(error, lang), keyboard: mainMenu(lang) }));
      await this.send(chat, s.text, s.keyboard);
    };
    if (data === 'm' || !cabinetId) return this.showMenu(chat, lang);
    if (data === 'o') return screen(() => latestOrders(this.deps.db, cabinetId, now, lang));
    if (data.startsWith('oc:')) return screen(() => orderScreen(this.deps.db, cabinetId, data.slice(3), now, lang));
    if (data === 's') return screen(() => stocksScreen(this.deps.db, cabinetId, now, lang));
    if (data === 'r') return screen(() => reviewsScreen(this.deps.db, cabinetId, lang));
    if (data === 'p') return screen(() => salesScreen(this.deps.db, cabinetId, now, lang));
    if (data === 'n' || data.startsWith('t:')) return this.settings(chat, messageId, cabinetId, state.user_id, data, lang);
    if (data === 'c') {
      const cabinets = await userCabinets(this.deps.db, state.user_id ?? '0');
      await this.send(chat, `<b>${escapeHtml(w.cabinets)}</b>`, cabinetsKeyboard(cabinets, cabinetId, lang));
      return;
    }
    if (data.startsWith('cab:')) {
      const cabinets = await userCabinets(this.deps.db, state.user_id ?? '0');
      if (cabinets.some((c) => c.id === data.slice(4))) await saveChat(this.deps.db, chat, { cabinet_id: data.slice(4) });
      return this.showMenu(chat, lang);
    }
    if (data === 'add') {
      await saveChat(this.deps.db, chat, { state: 'await_token' });
      await this.send(chat, w.welcome);
      return;
    }
    // A button of an older version of the bot (or a forged callback): the menu.
    await this.showMenu(chat, lang);
  }

  /** The settings screen; a toggle writes the same columns as `mp wb notify settings`. */
  private async settings(chat: string, messageId: number, cabinetId: string, userId: string | null, data: string, lang: Lang): Promise<void> {
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
        text: settingsText(r.cabinet_name ?? '', r, lang),
        parse_mode: 'HTML',
        reply_markup: settingsKeyboard(r, lang),
      });
      return;
    }
    await this.send(chat, settingsText(r.cabinet_name ?? '', r, lang), settingsKeyboard(r, lang));
  }
}
