// A fake Telegram Bot API on 127.0.0.1: answers like Telegram ({ok, result} / {ok:false,
// error_code, description, parameters}), records every message a bot sends, queues updates for
// getUpdates, checks HTML and the 4096/1024 limits, and injects 429 (with retry_after) and 403.
import { type FakeRequest, type FakeResponse, type FakeServer, startFakeServer } from './fake-server.js';

export interface SentMessage {
  method: 'sendMessage' | 'sendPhoto' | 'editMessageText';
  chatId: string;
  messageId: number;
  text: string;
  photo?: string;
  replyMarkup?: { inline_keyboard?: { text: string; callback_data: string }[][] };
  at: number;
}

export interface FakeTelegram {
  server: FakeServer;
  url: string;
  token: string;
  /** Messages accepted (sendMessage, sendPhoto, editMessageText), in order. */
  sent: SentMessage[];
  deleted: { chatId: string; messageId: number }[];
  callbackAnswers: string[];
  /** setMyCommands calls: the commands and the language_code they are for (none: everyone). */
  commands: { languageCode?: string; commands: { command: string; description: string }[] }[];
  sentTo(chatId: string): SentMessage[];
  /** The next `times` sends (to `chatId`, or any chat) answer 429 with `retry_after` seconds. */
  rateLimit(retryAfterSec: number, times?: number, chatId?: string): void;
  /** Every send to this chat answers 403 "Forbidden: bot was blocked by the user". */
  block(chatId: string): void;
  /**
   * The `language_code` the user of `chatId` sends with every update from now on, as Telegram does
   * (the language of their Telegram app: 'ru', 'en', 'kk', 'pt-br' …); null leaves the field out, as
   * Telegram does when it does not know. Until set: 'ru'.
   */
  setLanguage(chatId: string, languageCode: string | null): void;
  /** A user writes to the bot; returns the message id. */
  userSends(chatId: string, text: string): number;
  /** A user presses an inline button under `messageId`. */
  userPresses(chatId: string, data: string, messageId?: number): void;
  /** Queues an update as it is (a real captured one: fixtures/telegram/); its update_id is kept. */
  pushUpdate(update: Record<string, unknown>): void;
  /** Updates not yet confirmed by an offset. */
  pendingUpdates(): number;
  /** getUpdates calls seen, with their offsets. */
  offsets: number[];
  stop(): Promise<void>;
  /** Fails (throws) on a request no route answered or an injected fault not used up: for a test's afterEach. */
  verify(): void;
}

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'blockquote', 'tg-spoiler', 'span']);

/** Telegram's own check of HTML text: known tags, balanced, only known entities. Returns an error or the visible text. */
export function parseTelegramHtml(html: string): { error?: string; visible: string } {
  const stack: string[] = [];
  let visible = '';
  const re = /<(\/?)([a-z-]+)([^>]*)>|&([^;\s]*);|[<>]|[^<>&]+|&/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const [token, closing, tag, , entity] = m;
    if (tag) {
      const name = tag.toLowerCase();
      if (!ALLOWED_TAGS.has(name)) return { error: `Bad Request: can't parse entities: Unsupported start tag "${name}"`, visible };
      if (closing) {
        if (stack.pop() !== name) return { error: `Bad Request: can't parse entities: Unexpected end tag "${name}"`, visible };
      } else stack.push(name);
    } else if (entity !== undefined) {
      if (!/^(lt|gt|amp|quot|#\d+|#x[0-9a-f]+)$/i.test(entity)) return { error: `Bad Request: can't parse entities: Unsupported entity "${entity}"`, visible };
      visible += '_';
    } else if (token === '<' || token === '>' || token === '&') {
      return { error: `Bad Request: can't parse entities: Character '${token}' is reserved`, visible };
    } else visible += token;
  }
  if (stack.length) return { error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${stack.at(-1)}"`, visible };
  return { visible };
}

export async function startFakeTelegram(token = '123456:TEST-token'): Promise<FakeTelegram> {
  const sent: SentMessage[] = [];
  const deleted: { chatId: string; messageId: number }[] = [];
  const callbackAnswers: string[] = [];
  const commands: FakeTelegram['commands'] = [];
  const blocked = new Set<string>();
  const limits: { retryAfter: number; left: number; chatId?: string }[] = [];
  const updates: Record<string, unknown>[] = [];
  const offsets: number[] = [];
  const languages = new Map<string, string | null>();
  let nextUpdateId = 1000;
  let nextMessageId = 1;
  let waiter: (() => void) | undefined;

  const ok = (result: unknown): FakeResponse => ({ body: { ok: true, result } });
  const fail = (code: number, description: string, parameters?: Record<string, unknown>): FakeResponse => ({
    status: code,
    body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
  });
  const push = (update: Record<string, unknown>) => {
    updates.push({ update_id: nextUpdateId++, ...update });
    waiter?.();
  };
  // Objects in the shapes of the real answers (fixtures/telegram/; test/notify/telegram-real.test.ts).
  const botUser = () => ({ id: Number(token.split(':')[0]), is_bot: true, first_name: 'MP test bot', username: 'mp_test_bot' });
  const privateChat = (id: number) => ({ id, first_name: 'Seller', type: 'private' });
  const seller = (id: number) => {
    const code = languages.has(String(id)) ? languages.get(String(id)) : 'ru';
    return { id, is_bot: false, first_name: 'Seller', ...(code === null ? {} : { language_code: code }) };
  };

  const handle = async (req: FakeRequest): Promise<FakeResponse> => {
    if (req.params.token !== token) return fail(401, 'Unauthorized');
    const p = (req.body ? JSON.parse(req.body) : {}) as Record<string, any>;
    const method = req.params.method!;
    const chatId = p.chat_id === undefined ? '' : String(p.chat_id);
    if (['sendMessage', 'sendPhoto', 'editMessageText'].includes(method)) {
      const limit = limits.find((l) => l.left > 0 && (!l.chatId || l.chatId === chatId));
      if (limit) {
        limit.left--;
        return fail(429, `Too Many Requests: retry after ${limit.retryAfter}`, { retry_after: limit.retryAfter });
      }
      if (blocked.has(chatId)) return fail(403, 'Forbidden: bot was blocked by the user');
      const text = String(method === 'sendPhoto' ? (p.caption ?? '') : (p.text ?? ''));
      const parsed = p.parse_mode === 'HTML' ? parseTelegramHtml(text) : { visible: text };
      if (parsed.error) return fail(400, parsed.error);
      if (method === 'sendPhoto' && parsed.visible.length > 1024) return fail(400, 'Bad Request: message caption is too long');
      if (method !== 'sendPhoto' && (parsed.visible.length === 0 || parsed.visible.length > 4096)) {
        return fail(400, parsed.visible.length ? 'Bad Request: message is too long' : 'Bad Request: message text is empty');
      }
      const messageId = method === 'editMessageText' ? Number(p.message_id) : nextMessageId++;
      sent.push({ method: method as SentMessage['method'], chatId, messageId, text, photo: p.photo, replyMarkup: p.reply_markup, at: Date.now() });
      return ok({ message_id: messageId, from: botUser(), chat: privateChat(Number(chatId)), date: Math.floor(Date.now() / 1000), text });
    }
    switch (method) {
      case 'getMe':
        return ok(botUser());
      case 'deleteMessage':
        deleted.push({ chatId, messageId: Number(p.message_id) });
        return ok(true);
      case 'answerCallbackQuery':
        callbackAnswers.push(String(p.callback_query_id));
        return ok(true);
      case 'setMyCommands':
        commands.push({ ...(p.language_code ? { languageCode: String(p.language_code) } : {}), commands: p.commands });
        return ok(true);
      case 'getUpdates': {
        const offset = Number(p.offset ?? 0);
        offsets.push(offset);
        // An offset confirms every update before it: Telegram forgets them.
        while (updates.length && Number(updates[0]!.update_id) < offset) updates.shift();
        if (!updates.length && Number(p.timeout ?? 0) > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(Number(p.timeout) * 1000, 2000));
            waiter = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          waiter = undefined;
        }
        return ok(updates.slice(0, Number(p.limit ?? 100)));
      }
      default:
        return fail(404, 'Not Found: method not found');
    }
  };

  const server = await startFakeServer((s) => s.route('POST', '/bot:token/:method', handle));
  return {
    server,
    url: server.url,
    token,
    sent,
    deleted,
    callbackAnswers,
    commands,
    offsets,
    sentTo: (chatId) => sent.filter((m) => m.chatId === chatId),
    rateLimit(retryAfter, times = 1, chatId) {
      limits.push({ retryAfter, left: times, chatId });
    },
    block: (chatId) => blocked.add(chatId),
    setLanguage: (chatId, code) => languages.set(chatId, code),
    userSends(chatId, text) {
      const messageId = nextMessageId++;
      const id = Number(chatId);
      push({ message: { message_id: messageId, from: seller(id), chat: privateChat(id), date: Math.floor(Date.now() / 1000), text } });
      return messageId;
    },
    userPresses(chatId, data, messageId) {
      const id = Number(chatId);
      const under =
        messageId === undefined ? sent.filter((m) => m.chatId === chatId).at(-1) : sent.findLast((m) => m.chatId === chatId && m.messageId === messageId);
      // The message the button is under, as Telegram gives it back (a bot's text message).
      const message = {
        message_id: messageId ?? under?.messageId ?? 0,
        from: botUser(),
        chat: privateChat(id),
        date: Math.floor(Date.now() / 1000),
        text: under?.text.replace(/<[^>]*>/g, '') ?? '',
      };
      // The Bot API's CallbackQuery: id, from and chat_instance always; message when under a message.
      push({ callback_query: { id: `cb${nextUpdateId}`, from: seller(id), message, chat_instance: `-${id}`, data } });
    },
    pushUpdate(update) {
      updates.push(update);
      waiter?.();
    },
    pendingUpdates: () => updates.length,
    stop: () => server.stop(),
    verify: () => server.verify(),
  };
}
