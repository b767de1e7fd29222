// Everything the Telegram bot says, in Russian and English: the same shape as the notification words
// (render-words.ts: a key, then one text per Lang), with templates as functions. Counted nouns go
// through count() and money through formatMoney() (core/format.ts), both given the language; labels
// notifications also use (Достоинства / Pros …) come from render-words.ts. Values put into a
// template are escaped by the caller (Telegram HTML); the catalogue's own texts are trusted HTML.
import { count, formatCount, NOUNS, plural } from '../../core/format.js';
import type { Lang, NotifyType } from '../types.js';

/** The bot's language for a Telegram `language_code`: ru, uk, be, kk → ru; any other → en; none → undefined. */
export function languageOf(code: string | null | undefined): Lang | undefined {
  const primary = code?.trim().toLowerCase().split(/[-_]/)[0];
  if (!primary) return undefined;
  return RUSSIAN_CODES.includes(primary) ? 'ru' : 'en';
}

/** The language a chat is served in: the user's choice, else Telegram's, else Russian. */
export function chatLanguage(chat: { chosen_lang?: Lang | null; telegram_lang?: Lang | null } | undefined): Lang {
  return chat?.chosen_lang ?? chat?.telegram_lang ?? 'ru';
}

const WORDS = {
  welcome: {
    ru: 'Здравствуйте! Я присылаю уведомления о заказах, выкупах, отменах, возвратах, отзывах и остатках Wildberries.\n\nОтправьте API-токен WB (Настройки → Доступ к API: категории Статистика, Аналитика, Вопросы и отзывы, Контент). Сообщение с токеном я сразу удалю.\n\nLanguage: /lang',
    en: 'Hello! I send notifications about Wildberries orders, buyouts, cancellations, returns, reviews and stocks.\n\nSend your WB API token (Settings → API access: the Statistics, Analytics, Questions and reviews, Content categories). I delete the message with the token at once.\n\nЯзык: /lang',
  },
  noCabinet: {
    ru: 'Кабинет Wildberries ещё не подключён. Отправьте API-токен WB, чтобы подключить его.',
    en: 'No Wildberries cabinet is connected yet. Send a WB API token to connect one.',
  },
  checking: { ru: 'Проверяю токен…', en: 'Checking the token…' },
  badToken: {
    ru: (why: string) => `Токен не подошёл: ${why}\n\nОтправьте другой токен.`,
    en: (why: string) => `The token was not accepted: ${why}\n\nSend another token.`,
  },
  syncStart: {
    ru: (cabinet: string) => `Кабинет <b>${cabinet}</b> подключён. Загружаю данные за 30 дней…`,
    en: (cabinet: string) => `Cabinet <b>${cabinet}</b> is connected. Loading the last 30 days…`,
  },
  syncBusy: {
    ru: 'Идёт первая загрузка данных, меню откроется, когда она закончится.',
    en: 'The first data load is still running; the menu opens when it is done.',
  },
  menu: {
    ru: (cabinet: string) => `Кабинет <b>${cabinet}</b>. Выберите раздел:`,
    en: (cabinet: string) => `Cabinet <b>${cabinet}</b>. Choose a section:`,
  },
  noData: { ru: 'Пока пусто.', en: 'Nothing here yet.' },
  back: { ru: '« Меню', en: '« Menu' },
  backToOrders: { ru: '« Заказы', en: '« Orders' },
  // Main menu buttons.
  latestOrders: { ru: '🛒 Последние заказы', en: '🛒 Latest orders' },
  stocks: { ru: '📦 Остатки', en: '📦 Stocks' },
  reviews: { ru: '⭐ Отзывы', en: '⭐ Reviews' },
  sales7: { ru: '📈 Продажи за 7 дней', en: '📈 Sales, 7 days' },
  notifications: { ru: '🔔 Уведомления', en: '🔔 Notifications' },
  cabinets: { ru: '🏪 Кабинеты', en: '🏪 Cabinets' },
  addCabinet: { ru: '➕ Добавить кабинет', en: '➕ Add a cabinet' },
  /** The menu's language button names the other language, in that language. */
  otherLanguage: { ru: '🌐 English', en: '🌐 Русский' },
  // Language.
  chooseLanguage: { ru: 'Выберите язык:', en: 'Choose a language:' },
  languageSet: { ru: 'Язык: русский. Сменить: /lang', en: 'Language: English. To change it: /lang' },
  // Commands and errors.
  unknownCommand: {
    ru: (command: string) => `Не знаю команду ${command}. Команды: /start — начать, /menu — меню, /lang — язык.`,
    en: (command: string) => `I do not know the command ${command}. Commands: /start to begin, /menu for the menu, /lang for the language.`,
  },
  help: {
    ru: 'Команды: /start — начать, /menu — меню, /lang — язык (русский или English).',
    en: 'Commands: /start to begin, /menu for the menu, /lang for the language (English or Русский).',
  },
  rateLimited: {
    ru: 'Wildberries просит подождать: слишком много запросов. Попробуйте через несколько минут.',
    en: 'Wildberries asks to slow down: too many requests. Try again in a few minutes.',
  },
  rateLimitedToken: {
    ru: 'Wildberries просит подождать: слишком много запросов. Отправьте токен ещё раз через несколько минут.',
    en: 'Wildberries asks to slow down: too many requests. Send the token again in a few minutes.',
  },
  tokenRefusedNow: {
    ru: (why: string) => `Токен кабинета больше не работает: ${why}\n\nОтправьте новый токен через «🏪 Кабинеты» → «➕ Добавить кабинет».`,
    en: (why: string) => `The cabinet's token no longer works: ${why}\n\nSend a new token through “🏪 Cabinets” → “➕ Add a cabinet”.`,
  },
  internal: {
    ru: 'Что-то пошло не так на нашей стороне. Попробуйте ещё раз позже: /menu',
    en: 'Something went wrong on our side. Please try again later: /menu',
  },
  // Settings.
  settingsHead: {
    ru: (cabinet: string, enabled: boolean) => `🔔 Уведомления кабинета <b>${cabinet}</b>: ${enabled ? 'включены' : 'выключены'}`,
    en: (cabinet: string, enabled: boolean) => `🔔 Notifications of cabinet <b>${cabinet}</b>: ${enabled ? 'on' : 'off'}`,
  },
  thresholds: {
    ru: (review: string, stock: string) => `Негативный отзыв: оценка ≤ ${review}; критический остаток: ≤ ${stock} шт.`,
    en: (review: string, stock: string) => `Negative review: rating ≤ ${review}; critical stock: ≤ ${stock} pcs`,
  },
  quietHours: {
    ru: (start: string, end: string, zone: string) => `Тихие часы: ${start}–${end} (${zone})`,
    en: (start: string, end: string, zone: string) => `Quiet hours: ${start}–${end} (${zone})`,
  },
  tapToToggle: { ru: 'Нажмите, чтобы включить или выключить:', en: 'Tap to switch on or off:' },
  allNotifications: { ru: 'Все уведомления', en: 'All notifications' },
  // Reports.
  ordersHeading: { ru: (window: string) => `🛒 <b>Последние заказы</b> (${window})`, en: (window: string) => `🛒 <b>Latest orders</b> (${window})` },
  cancelledMark: { ru: ' · ❌ отмена', en: ' · ❌ cancelled' },
  orderHeading: {
    ru: (srid: string, at: string, cancelled: boolean) => `🔎 <b>Заказ ${srid}</b> (${at} МСК) — ${cancelled ? 'отменён' : 'активен'}`,
    en: (srid: string, at: string, cancelled: boolean) => `🔎 <b>Order ${srid}</b> (${at} MSK) — ${cancelled ? 'cancelled' : 'active'}`,
  },
  orderProduct: {
    ru: (name: string, article: string, nmId: string, size: string) => `<b>${name}</b> · арт. ${article} · nmId ${nmId} · размер ${size}`,
    en: (name: string, article: string, nmId: string, size: string) => `<b>${name}</b> · article ${article} · nmId ${nmId} · size ${size}`,
  },
  orderPrices: {
    ru: (price: string, discount: string, spp: string, paid: string) => `Цена: ${price}, скидка ${discount}%, СПП ${spp}%, покупатель заплатил ${paid}`,
    en: (price: string, discount: string, spp: string, paid: string) => `Price: ${price}, discount ${discount}%, WB discount ${spp}%, the buyer paid ${paid}`,
  },
  orderRoute: { ru: (from: string, to: string) => `Склад: ${from} → ${to}`, en: (from: string, to: string) => `Warehouse: ${from} → ${to}` },
  orderStock: { ru: (total: string, sizes: string) => `Остаток: ${total} шт.${sizes}`, en: (total: string, sizes: string) => `Stock: ${total} pcs${sizes}` },
  orderWindow: {
    ru: (days: number, orders: number, buyouts: number, returns: number, rate: string | null) =>
      `${days} дн.: ${count(orders, NOUNS.order, 'ru')}, ${count(buyouts, NOUNS.buyout, 'ru')}, ${count(returns, NOUNS.return, 'ru')}${rate === null ? '' : `, выкуп ${rate}%`}`,
    en: (days: number, orders: number, buyouts: number, returns: number, rate: string | null) =>
      `${count(days, NOUNS.day, 'en')}: ${count(orders, NOUNS.order, 'en')}, ${count(buyouts, NOUNS.buyout, 'en')}, ${count(returns, NOUNS.return, 'en')}${rate === null ? '' : `, buyout rate ${rate}%`}`,
  },
  orderReviews: {
    ru: (n: number, average: string) => `Отзывы: ${count(n, NOUNS.review, 'ru')}, средняя оценка ${average}`,
    en: (n: number, average: string) => `Reviews: ${count(n, NOUNS.review, 'en')}, average rating ${average}`,
  },
  stocksHeading: { ru: '📦 <b>Остатки</b> (меньше всего сверху)', en: '📦 <b>Stocks</b> (lowest first)' },
  stockLine: {
    ru: (product: string, total: string, daysLeft: string | null) => `${product}: <b>${total}</b> шт.${daysLeft === null ? '' : ` · на ${daysLeft} дн.`}`,
    en: (product: string, total: string, daysLeft: string | null) => `${product}: <b>${total}</b> pcs${daysLeft === null ? '' : ` · ${daysLeft} days left`}`,
  },
  reviewsHeading: { ru: '⭐ <b>Последние отзывы</b>', en: '⭐ <b>Latest reviews</b>' },
  unanswered: { ru: ' · без ответа', en: ' · unanswered' },
  moreReviews: {
    ru: (n: number) => `… и ещё ${count(n, NOUNS.review, 'ru')}: <code>mp wb reviews</code>`,
    en: (n: number) => `… and ${formatCount(n, 'en')} more ${plural(n, NOUNS.review, 'en')}: <code>mp wb reviews</code>`,
  },
  salesHeading: { ru: (window: string) => `📈 <b>Продажи за 7 дней</b> (${window})`, en: (window: string) => `📈 <b>Sales, 7 days</b> (${window})` },
  salesToday: {
    ru: (today: number, yesterday: number) => `Сегодня: ${count(today, NOUNS.order, 'ru')}, вчера: ${count(yesterday, NOUNS.order, 'ru')}`,
    en: (today: number, yesterday: number) => `Today: ${count(today, NOUNS.order, 'en')}, yesterday: ${count(yesterday, NOUNS.order, 'en')}`,
  },
  syncFailed: { ru: (code: string) => `не загрузилось (${code})`, en: (code: string) => `not loaded (${code})` },
  /** Why something failed, for a code the catalogue has no words for. */
  unknownProblem: {
    ru: (code: string) => `не удалось проверить токен (${code})`,
    en: (code: string) => `it could not be checked (${code})`,
  },
} as const satisfies Record<string, Record<Lang, unknown>>;

/** The commands Telegram lists under "/" (setMyCommands), with their descriptions in each language. */
export const COMMANDS: { command: string; description: Record<Lang, string> }[] = [
  { command: 'start', description: { ru: 'Начать: подключить кабинет или открыть меню', en: 'Start: connect a cabinet or open the menu' } },
  { command: 'menu', description: { ru: 'Меню', en: 'Menu' } },
  { command: 'lang', description: { ru: 'Язык: русский или English', en: 'Language: English or Русский' } },
  { command: 'help', description: { ru: 'Команды', en: 'Commands' } },
];

/** Each language named in itself (the /lang buttons). */
export const LANGUAGE_NAMES: Record<Lang, string> = { ru: 'Русский', en: 'English' };

/** The Telegram app languages served in Russian (any other gets English). */
export const RUSSIAN_CODES: readonly string[] = ['ru', 'uk', 'be', 'kk'];

/** The bot's words in one language: `botWords('en').menu('Shop')`. */
export type BotWords = { [K in keyof typeof WORDS]: (typeof WORDS)[K]['ru'] };

const byLang = new Map<Lang, BotWords>();

export function botWords(lang: Lang): BotWords {
  let words = byLang.get(lang);
  if (!words) {
    words = Object.fromEntries(Object.entries(WORDS).map(([k, v]) => [k, v[lang]])) as BotWords;
    byLang.set(lang, words);
  }
  return words;
}

/** Every text of the catalogue in one language (tests check English has no Cyrillic). */
export function allWords(lang: Lang): (string | ((...args: never[]) => string))[] {
  return Object.values(WORDS).map((v) => v[lang]);
}

/** Why WB refused a token or a request, by error code (the error's own message is English, for the CLI). */
export const PROBLEMS: Record<string, Record<Lang, string>> = {
  WB_TOKEN_EMPTY: { ru: 'сообщение пустое — пришлите сам токен', en: 'the message is empty: send the token itself' },
  WB_TOKEN_MALFORMED: {
    ru: 'это не похоже на токен WB — скопируйте его целиком в разделе «Доступ к API»',
    en: 'this does not look like a WB token: copy all of it from the “API access” section',
  },
  WB_TOKEN_EXPIRED: {
    ru: 'срок действия токена истёк — создайте новый в разделе «Доступ к API»',
    en: 'the token has expired: create a new one in the “API access” section',
  },
  WB_UNAUTHORIZED: { ru: 'Wildberries отклонил токен: он отозван или неверен', en: 'Wildberries refused the token: it was revoked or is wrong' },
  WB_FORBIDDEN: {
    ru: 'у токена нет нужных категорий: Статистика, Аналитика, Вопросы и отзывы, Контент',
    en: 'the token lacks the categories needed: Statistics, Analytics, Questions and reviews, Content',
  },
  WB_TOKEN_IN_USE: { ru: 'этот токен уже подключён к другому кабинету', en: 'this token is already connected to another cabinet' },
  WB_TOKEN_OTHER_SELLER: { ru: 'токен принадлежит другому продавцу', en: 'the token belongs to another seller' },
  WB_RATE_LIMITED: { ru: 'Wildberries просит подождать: слишком много запросов', en: 'Wildberries asks to slow down: too many requests' },
  WB_UNAVAILABLE: { ru: 'Wildberries не отвечает, повторю позже', en: 'Wildberries is not answering; it is tried again later' },
  WB_BAD_RESPONSE: { ru: 'Wildberries прислал непонятный ответ, повторю позже', en: 'Wildberries sent an answer mp cannot read; it is tried again later' },
  WB_ORDER_NOT_FOUND: { ru: 'заказ не найден — возможно, он старше 30 дней', en: 'the order was not found: it may be older than 30 days' },
};

/** Codes for which the token must be replaced (expired, revoked, lacking categories). */
export const TOKEN_CODES: ReadonlySet<string> = new Set(['WB_TOKEN_EXPIRED', 'WB_UNAUTHORIZED', 'WB_FORBIDDEN']);
/** Codes for which the marketplace asked to wait. */
export const RATE_CODES: ReadonlySet<string> = new Set(['WB_RATE_LIMITED', 'HTTP_RATE_LIMITED']);

export const STREAM_NAMES: Record<string, Record<Lang, string>> = {
  cards: { ru: 'карточки', en: 'cards' },
  orders: { ru: 'заказы', en: 'orders' },
  sales: { ru: 'продажи', en: 'sales' },
  stocks: { ru: 'остатки', en: 'stocks' },
  reviews: { ru: 'отзывы', en: 'reviews' },
};

/** The notification types a bot user switches on and off, as the settings screen names them. */
export const TYPE_NAMES: Partial<Record<NotifyType, Record<Lang, string>>> = {
  new_order: { ru: 'Новые заказы', en: 'New orders' },
  cancellation: { ru: 'Отмены', en: 'Cancellations' },
  buyout: { ru: 'Выкупы', en: 'Buyouts' },
  return: { ru: 'Возвраты', en: 'Returns' },
  negative_review: { ru: 'Негативные отзывы', en: 'Negative reviews' },
  critical_stock: { ru: 'Критические остатки', en: 'Critical stocks' },
  sync_gap: { ru: 'Перерывы синхронизации', en: 'Sync gaps' },
  token_expiring: { ru: 'Срок токена WB', en: 'WB token expiry' },
  access_refused: { ru: 'Токен отклонён', en: 'Token refused' },
  job_failing: { ru: 'Сбои задач', en: 'Failing jobs' },
};
