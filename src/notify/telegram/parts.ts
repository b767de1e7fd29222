// How one notification becomes Telegram calls: a photo with the text as its caption when it fits
// (≤ 1024), else the photo and then the text; texts over 4096 are split on line breaks.
import { renderTelegram } from '../render.js';
import type { Lang, NotificationPayload } from '../types.js';
import { CAPTION_LIMIT, splitMessage, visibleLength } from './html.js';

export type TelegramPart = { kind: 'photo'; photo: string; caption: string } | { kind: 'message'; text: string };

export function telegramParts(payload: NotificationPayload, lang: Lang, withPhoto = true): TelegramPart[] {
  const { text, photo } = renderTelegram(payload, lang);
  if (!photo || !withPhoto) return splitMessage(text).map((t) => ({ kind: 'message', text: t }));
  if (visibleLength(text) <= CAPTION_LIMIT) return [{ kind: 'photo', photo, caption: text }];
  const title = text.split('\n')[0] ?? '';
  return [
    { kind: 'photo', photo, caption: visibleLength(title) <= CAPTION_LIMIT ? title : '' },
    ...splitMessage(text).map((t) => ({ kind: 'message' as const, text: t })),
  ];
}
