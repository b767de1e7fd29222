// The bot's texts and inline keyboards (pure). Every dynamic value is escaped.
import { WB_NOTIFY_TYPES } from '../types.js';
import { escapeHtml as e } from './html.js';
import type { InlineButton } from './telegram-client.js';

export type Keyboard = { inline_keyboard: InlineButton[][] };

export const TEXT = {
  welcome:
    'Здравствуйте! Я присылаю уведомления о заказах, выкупах, отменах, возвратах, отзывах и остатках Wildberries.\n\nОтправьте API-токен WB (Настройки → Доступ к API: категории Статистика, Аналитика, Вопросы и отзывы, Контент). Сообщение с токеном я сразу удалю.',
  checking: 'Проверяю токен…',
  badToken: (why: string) => `Токен не подошёл: ${e(why)}\n\nОтправьте другой токен.`,
  syncStart: (cabinet: string) => `Кабинет <b>${e(cabinet)}</b> подключён. Загружаю данные за 30 дней…`,
  syncBusy: 'Идёт первая загрузка данных, меню откроется, когда она закончится.',
  menu: (cabinet: string) => `Кабинет <b>${e(cabinet)}</b>. Выберите раздел:`,
  noData: 'Пока пусто.',
  back: '« Меню',
} as const;

/** Why a token was refused, in the bot's language (the error's own message is English, for the CLI). */
const TOKEN_PROBLEMS: Record<string, string> = {
  WB_TOKEN_EMPTY: 'сообщение пустое — пришлите сам токен',
  WB_TOKEN_MALFORMED: 'это не похоже на токен WB — скопируйте его целиком в разделе «Доступ к API»',
  WB_TOKEN_EXPIRED: 'срок действия токена истёк — создайте новый в разделе «Доступ к API»',
  WB_UNAUTHORIZED: 'Wildberries отклонил токен: он отозван или неверен',
  WB_FORBIDDEN: 'у токена нет нужных категорий: Статистика, Аналитика, Вопросы и отзывы, Контент',
  WB_TOKEN_IN_USE: 'этот токен уже подключён к другому кабинету',
  WB_TOKEN_OTHER_SELLER: 'токен принадлежит другому продавцу',
};

/** A refused token's reason for the chat: known codes in Russian, others as «не удалось проверить токен (CODE)». */
export function tokenProblem(error: { code?: string }): string {
  return TOKEN_PROBLEMS[error.code ?? ''] ?? `не удалось проверить токен (${error.code ?? 'ошибка'})`;
}

export const STREAM_NAMES: Record<string, string> = { cards: 'карточки', orders: 'заказы', sales: 'продажи', stocks: 'остатки', reviews: 'отзывы' };

export const TYPE_NAMES: Record<(typeof WB_NOTIFY_TYPES)[number], string> = {
  new_order: 'Новые заказы',
  cancellation: 'Отмены',
  buyout: 'Выкупы',
  return: 'Возвраты',
  negative_review: 'Негативные отзывы',
  critical_stock: 'Критические остатки',
  sync_gap: 'Перерывы синхронизации',
  token_expiring: 'Срок токена WB',
  access_refused: 'Токен отклонён',
  job_failing: 'Сбои задач',
};

export function mainMenu(): Keyboard {
  return {
    inline_keyboard: [
      [
        { text: '🛒 Последние заказы', callback_data: 'o' },
        { text: '📦 Остатки', callback_data: 's' },
      ],
      [
        { text: '⭐ Отзывы', callback_data: 'r' },
        { text: '📈 Продажи за 7 дней', callback_data: 'p' },
      ],
      [
        { text: '🔔 Уведомления', callback_data: 'n' },
        { text: '🏪 Кабинеты', callback_data: 'c' },
      ],
    ],
  };
}

export function backButton(): Keyboard {
  return { inline_keyboard: [[{ text: TEXT.back, callback_data: 'm' }]] };
}

export function settingsText(
  cabinet: string,
  s: { enabled: boolean; review_threshold: number; stock_threshold: number; quiet_start: string | null; quiet_end: string | null; time_zone: string },
): string {
  const lines = [`🔔 Уведомления кабинета <b>${e(cabinet)}</b>: ${s.enabled ? 'включены' : 'выключены'}`];
  lines.push(`Негативный отзыв: оценка ≤ ${e(s.review_threshold)}; критический остаток: ≤ ${e(s.stock_threshold)} шт.`);
  if (s.quiet_start) lines.push(`Тихие часы: ${e(s.quiet_start)}–${e(s.quiet_end)} (${e(s.time_zone)})`);
  lines.push('Нажмите, чтобы включить или выключить:');
  return lines.join('\n');
}

export function settingsKeyboard(s: { enabled: boolean; types: string[] }): Keyboard {
  const rows: InlineButton[][] = [[{ text: s.enabled ? '✅ Все уведомления' : '❌ Все уведомления', callback_data: 't:all' }]];
  for (const t of WB_NOTIFY_TYPES) rows.push([{ text: `${s.types.includes(t) ? '✅' : '❌'} ${TYPE_NAMES[t]}`, callback_data: `t:${t}` }]);
  rows.push([{ text: TEXT.back, callback_data: 'm' }]);
  return { inline_keyboard: rows };
}

export function cabinetsKeyboard(cabinets: { id: string; name: string }[], current: string | null): Keyboard {
  return {
    inline_keyboard: [
      ...cabinets.map((c) => [{ text: `${c.id === current ? '● ' : ''}${c.name}`, callback_data: `cab:${c.id}` }]),
      [{ text: '➕ Добавить кабинет', callback_data: 'add' }],
      [{ text: TEXT.back, callback_data: 'm' }],
    ],
  };
}
