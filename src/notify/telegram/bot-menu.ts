// The bot's inline keyboards and settings text, in the chat's language (pure). Every dynamic value is escaped.
import { type Lang, WB_NOTIFY_TYPES } from '../types.js';
import { botWords, LANGUAGE_NAMES, PROBLEMS, TYPE_NAMES } from './bot-words.js';
import { escapeHtml as e } from './html.js';
import type { InlineButton } from './telegram-client.js';

export type Keyboard = { inline_keyboard: InlineButton[][] };

/** A refused token's reason for the chat, in its language: known codes in words, others as «не удалось проверить токен (CODE)». */
export function tokenProblem(error: { code?: string }, lang: Lang = 'ru'): string {
  return PROBLEMS[error.code ?? '']?.[lang] ?? botWords(lang).unknownProblem(error.code ?? 'UNKNOWN');
}

export function mainMenu(lang: Lang): Keyboard {
  const w = botWords(lang);
  return {
    inline_keyboard: [
      [
        { text: w.latestOrders, callback_data: 'o' },
        { text: w.stocks, callback_data: 's' },
      ],
      [
        { text: w.reviews, callback_data: 'r' },
        { text: w.sales7, callback_data: 'p' },
      ],
      [
        { text: w.notifications, callback_data: 'n' },
        { text: w.cabinets, callback_data: 'c' },
      ],
      [{ text: w.otherLanguage, callback_data: `lang:${lang === 'ru' ? 'en' : 'ru'}` }],
    ],
  };
}

/** The two languages to choose from (/lang), each named in itself. */
export function languageKeyboard(): Keyboard {
  return {
    inline_keyboard: [
      [
        { text: LANGUAGE_NAMES.ru, callback_data: 'lang:ru' },
        { text: LANGUAGE_NAMES.en, callback_data: 'lang:en' },
      ],
    ],
  };
}

export function backButton(lang: Lang): Keyboard {
  return { inline_keyboard: [[{ text: botWords(lang).back, callback_data: 'm' }]] };
}

export function settingsText(
  cabinet: string,
  s: { enabled: boolean; review_threshold: number; stock_threshold: number; quiet_start: string | null; quiet_end: string | null; time_zone: string },
  lang: Lang,
): string {
  const w = botWords(lang);
  const lines = [w.settingsHead(e(cabinet), s.enabled), w.thresholds(e(s.review_threshold), e(s.stock_threshold))];
  if (s.quiet_start) lines.push(w.quietHours(e(s.quiet_start), e(s.quiet_end), e(s.time_zone)));
  lines.push(w.tapToToggle);
  return lines.join('\n');
}

export function settingsKeyboard(s: { enabled: boolean; types: string[] }, lang: Lang): Keyboard {
  const w = botWords(lang);
  const rows: InlineButton[][] = [[{ text: `${s.enabled ? '✅' : '❌'} ${w.allNotifications}`, callback_data: 't:all' }]];
  for (const t of WB_NOTIFY_TYPES) rows.push([{ text: `${s.types.includes(t) ? '✅' : '❌'} ${TYPE_NAMES[t]?.[lang] ?? t}`, callback_data: `t:${t}` }]);
  rows.push([{ text: w.back, callback_data: 'm' }]);
  return { inline_keyboard: rows };
}

export function cabinetsKeyboard(cabinets: { id: string; name: string }[], current: string | null, lang: Lang): Keyboard {
  const w = botWords(lang);
  return {
    inline_keyboard: [
      ...cabinets.map((c) => [{ text: `${c.id === current ? '● ' : ''}${c.name}`, callback_data: `cab:${c.id}` }]),
      [{ text: w.addCabinet, callback_data: 'add' }],
      [{ text: w.back, callback_data: 'm' }],
    ],
  };
}
