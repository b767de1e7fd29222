// The words of notification texts, Russian and English: titles, field labels, and the counted phrase
// a digest's title uses ("7 новых заказов"). Pure data.
import type { Noun } from '../core/format.js';
import type { Lang, NotifyType } from './types.js';

export const TITLES: Record<NotifyType, Record<Lang, string>> = {
  new_order: { ru: '🛒 Новый заказ', en: '🛒 New order' },
  cancellation: { ru: '❌ Отмена заказа', en: '❌ Order cancelled' },
  buyout: { ru: '✅ Выкуп', en: '✅ Buyout' },
  return: { ru: '↩️ Возврат', en: '↩️ Return' },
  negative_review: { ru: '⭐ Негативный отзыв', en: '⭐ Negative review' },
  critical_stock: { ru: '📦 Критический остаток', en: '📦 Critical stock' },
  sync_gap: { ru: '⏸ Перерыв синхронизации', en: '⏸ Sync gap' },
  token_expiring: { ru: '🔑 Токен WB скоро истечёт', en: '🔑 WB token expires soon' },
  access_refused: { ru: '🔒 Доступ отклонён', en: '🔒 Access refused' },
  job_failing: { ru: '🛑 Задача не выполняется', en: '🛑 Job keeps failing' },
  price_floor: { ru: '📉 Цена на минимуме', en: '📉 Price at its floor' },
  lost_first_place: { ru: '🥈 Потеряно первое место', en: '🥈 First place lost' },
  price_refused: { ru: '⛔ Цена не принята', en: '⛔ Price update refused' },
  store_paused: { ru: '⏳ Обновление цен приостановлено', en: '⏳ Price updates paused' },
  scrape_failing: { ru: '🔍 Товар не читается', en: '🔍 Product scrape failing' },
  layout_changed: { ru: '🧩 Kaspi изменил страницу товара', en: '🧩 Kaspi changed its product page' },
  cancel_share: { ru: '⚠️ Доля отмен', en: '⚠️ Cancellation share' },
};

/** What a digest of a type counts, with its adjective agreeing: 1 новый заказ, 2 новых заказа, 5 новых заказов. */
export const DIGEST_NOUNS: Partial<Record<NotifyType, Noun>> = {
  new_order: { ru: ['новый заказ', 'новых заказа', 'новых заказов'], en: ['new order', 'new orders'] },
  cancellation: { ru: ['отмена заказа', 'отмены заказов', 'отмен заказов'], en: ['cancelled order', 'cancelled orders'] },
  buyout: { ru: ['выкуп', 'выкупа', 'выкупов'], en: ['buyout', 'buyouts'] },
  return: { ru: ['возврат', 'возврата', 'возвратов'], en: ['return', 'returns'] },
  negative_review: { ru: ['негативный отзыв', 'негативных отзыва', 'негативных отзывов'], en: ['negative review', 'negative reviews'] },
  critical_stock: { ru: ['критический остаток', 'критических остатка', 'критических остатков'], en: ['critical stock', 'critical stocks'] },
  price_floor: {
    ru: ['товар на минимальной цене', 'товара на минимальной цене', 'товаров на минимальной цене'],
    en: ['product at its floor', 'products at their floor'],
  },
  lost_first_place: {
    ru: ['товар потерял первое место', 'товара потеряли первое место', 'товаров потеряли первое место'],
    en: ['product lost first place', 'products lost first place'],
  },
  price_refused: { ru: ['цена не принята', 'цены не приняты', 'цен не принято'], en: ['price refused', 'prices refused'] },
  scrape_failing: { ru: ['товар не читается', 'товара не читаются', 'товаров не читаются'], en: ['product failing', 'products failing'] },
  layout_changed: {
    ru: ['товар с новой разметкой', 'товара с новой разметкой', 'товаров с новой разметкой'],
    en: ['product with a new layout', 'products with a new layout'],
  },
};

/** The noun "and N more …" uses after a digest's first lines. */
export const MORE_NOUNS: Partial<Record<NotifyType, Noun>> = {
  new_order: { ru: ['заказ', 'заказа', 'заказов'], en: ['order', 'orders'] },
  cancellation: { ru: ['отмена', 'отмены', 'отмен'], en: ['cancellation', 'cancellations'] },
  buyout: { ru: ['выкуп', 'выкупа', 'выкупов'], en: ['buyout', 'buyouts'] },
  return: { ru: ['возврат', 'возврата', 'возвратов'], en: ['return', 'returns'] },
  negative_review: { ru: ['отзыв', 'отзыва', 'отзывов'], en: ['review', 'reviews'] },
};

export const LABELS: Record<string, Record<Lang, string>> = {
  product: { ru: 'Товар', en: 'Product' },
  article: { ru: 'Артикул', en: 'Article' },
  price: { ru: 'Цена', en: 'Price' },
  total: { ru: 'Сумма', en: 'Total' },
  warehouse: { ru: 'Склад', en: 'Warehouse' },
  region: { ru: 'Регион', en: 'Region' },
  city: { ru: 'Город', en: 'City' },
  order: { ru: 'Заказ', en: 'Order' },
  status: { ru: 'Статус', en: 'Status' },
  rating: { ru: 'Оценка', en: 'Rating' },
  pros: { ru: 'Достоинства', en: 'Pros' },
  cons: { ru: 'Недостатки', en: 'Cons' },
  comment: { ru: 'Комментарий', en: 'Comment' },
  stock: { ru: 'Остаток', en: 'Stock' },
  time: { ru: 'Время (МСК)', en: 'Time (MSK)' },
  timeAlmaty: { ru: 'Время (Алматы)', en: 'Time (Almaty)' },
  cabinet: { ru: 'Кабинет', en: 'Cabinet' },
  store: { ru: 'Магазин Kaspi', en: 'Kaspi store' },
  floor: { ru: 'Минимальная цена', en: 'Floor price' },
  ourPrice: { ru: 'Наша цена', en: 'Our price' },
  competitor: { ru: 'Конкурент', en: 'Competitor' },
  error: { ru: 'Ошибка', en: 'Error' },
  until: { ru: 'До', en: 'Until' },
  expires: { ru: 'Истекает', en: 'Expires' },
  job: { ru: 'Задача', en: 'Job' },
  next: { ru: 'Что делать', en: 'What to do' },
  sum: { ru: 'на сумму', en: 'worth' },
  gap: {
    ru: 'Синхронизация не выполнялась больше суток; пропущенные события не присылаются по одному. За перерыв:',
    en: 'Sync did not run for more than a day; missed events are not sent one by one. During the gap:',
  },
  sample: { ru: '(тестовое сообщение)', en: '(test message)' },
};

/** What a gap summary counts, by WB event type. */
export const GAP_COUNTS: Record<string, Record<Lang, string>> = {
  new_order: { ru: 'новые заказы', en: 'new orders' },
  cancellation: { ru: 'отмены', en: 'cancellations' },
  buyout: { ru: 'выкупы', en: 'buyouts' },
  return: { ru: 'возвраты', en: 'returns' },
  new_review: { ru: 'новые отзывы', en: 'new reviews' },
  stock_change: { ru: 'изменения остатков', en: 'stock changes' },
};

/** Kaspi order statuses as a seller reads them. */
export const KASPI_STATUSES: Record<string, Record<Lang, string>> = {
  APPROVED_BY_BANK: { ru: 'одобрен банком', en: 'approved by the bank' },
  ACCEPTED_BY_MERCHANT: { ru: 'принят продавцом', en: 'accepted' },
  COMPLETED: { ru: 'выдан', en: 'completed' },
  CANCELLED: { ru: 'отменён', en: 'cancelled' },
  CANCELLING: { ru: 'отменяется', en: 'being cancelled' },
  KASPI_DELIVERY_RETURN_REQUESTED: { ru: 'запрошен возврат', en: 'return requested' },
  RETURN_ACCEPTED_BY_MERCHANT: { ru: 'возврат принят', en: 'return accepted' },
  RETURNED: { ru: 'возвращён', en: 'returned' },
};
