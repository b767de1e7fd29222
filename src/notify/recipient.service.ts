// Recipients without the bot (scripts, ops) and everyone's settings. A recipient is subscribed to
// one WB cabinet or one Kaspi store; what it may be told (and switch) follows from which.
import type { Kysely } from 'kysely';
import { UsageError, UserError } from '../core/errors.js';
import { encryptSecret } from '../core/secrets.js';
import { url as checkUrl, integer } from '../core/validate.js';
import type { Database } from '../db/schema.js';
import { listStores } from '../kaspi/merchant/stores.repository.js';
import { resolveStore } from '../kaspi/merchant/stores.service.js';
import { listCabinets } from '../wb/cabinet.repository.js';
import { cabinetsFor } from '../wb/cabinet.service.js';
import { checkTimeZone, parseQuietHours } from './quiet-hours.js';
import {
  deleteRecipient,
  getRecipient,
  insertRecipient,
  listRecipients,
  type RecipientWithCabinet,
  type SettingsPatch,
  updateRecipientSettings,
} from './recipient.repository.js';
import { type Marketplace, type NotifyType, typesFor } from './types.js';

export type { RecipientWithCabinet } from './recipient.repository.js';

export interface AddRecipientInput {
  /** A WB cabinet (id or name) … */
  cabinet?: string;
  /** … or a Kaspi store (merchant id or name). */
  kaspiStore?: string;
  telegramChat?: string;
  webhook?: string;
  secret?: string;
  /** MP_USER: the cabinet must be one this user may see. */
  user?: string;
}

/** Which marketplace a recipient's notifications come from. */
export function recipientMarketplace(r: { kaspi_store_id: string | null }): Marketplace {
  return r.kaspi_store_id ? 'kaspi' : 'wb';
}

/** What a recipient is subscribed to, for people: `cabinet "Shop"` or `Kaspi store "Shop" (30012345)`. */
export function subjectOf(r: Pick<RecipientWithCabinet, 'kaspi_store_id' | 'cabinet_name' | 'store_name' | 'merchant_id'>): string {
  return r.kaspi_store_id ? `Kaspi store "${r.store_name}" (${r.merchant_id})` : `cabinet "${r.cabinet_name}"`;
}

/** Subscribes a Telegram chat or a webhook to a WB cabinet or a Kaspi store; returns the new recipient. */
export async function addRecipient(db: Kysely<Database>, key: Buffer, input: AddRecipientInput): Promise<RecipientWithCabinet> {
  if (Boolean(input.cabinet) === Boolean(input.kaspiStore)) {
    throw new UsageError('NOTIFY_RECIPIENT_SUBJECT', 'give either --cabinet <WB cabinet> or --kaspi-store <merchant id|name>');
  }
  if (Boolean(input.telegramChat) === Boolean(input.webhook)) {
    throw new UsageError('NOTIFY_RECIPIENT_KIND', 'give either --telegram-chat <chat id> or --webhook <url> --secret-stdin');
  }
  // Every flag is checked before the database is asked anything.
  const chat = input.telegramChat === undefined ? undefined : integer(input.telegramChat, '--telegram-chat', CHAT_IDS);
  const url = input.webhook === undefined ? undefined : checkUrl(input.webhook, '--webhook');
  const secret = input.secret?.trim();
  if (url && !secret)
    throw new UsageError(
      'NOTIFY_NO_SECRET',
      'a webhook needs a signing secret: pipe it to --secret-stdin (e.g. `openssl rand -hex 32 | mp wb notify recipient add … --secret-stdin`)',
    );
  const subject = input.kaspiStore
    ? { kaspi_store_id: (await resolveStore(db, input.kaspiStore, input.user)).id }
    : { cabinet_id: (await cabinetsFor(db, input.cabinet, input.user))[0]!.id };
  const row =
    chat !== undefined
      ? await insertRecipient(db, {
          ...subject,
          channel: 'telegram',
          chat_id: String(chat),
          ...(subject.kaspi_store_id ? { types: [...typesFor('kaspi')], time_zone: 'Asia/Almaty' } : {}),
        })
      : await insertRecipient(db, {
          ...subject,
          channel: 'webhook',
          webhook_url: url!.toString(),
          webhook_secret_sealed: encryptSecret(secret!, key),
          ...(subject.kaspi_store_id ? { types: [...typesFor('kaspi')], time_zone: 'Asia/Almaty' } : {}),
        });
  if (!row) throw new UserError('NOTIFY_RECIPIENT_EXISTS', 'that recipient is already subscribed to it: see `mp notify recipient list`');
  return (await getRecipient(db, row.id))!;
}

/**
 * Recipients (of one cabinet or Kaspi store, or all) of the cabinets and stores `user` may see
 * (undefined: all).
 */
export async function recipientsOf(
  db: Kysely<Database>,
  filter: { cabinet?: string; kaspiStore?: string } = {},
  user?: string,
): Promise<RecipientWithCabinet[]> {
  const cabinetId = filter.cabinet ? (await cabinetsFor(db, filter.cabinet, user))[0]!.id : undefined;
  const storeId = filter.kaspiStore ? (await resolveStore(db, filter.kaspiStore, user)).id : undefined;
  return visible(db, await listRecipients(db, { cabinetId, storeId }), user);
}

/** Only the recipients whose cabinet or store `user` may see: another user's recipient is "not found". */
async function visible(db: Kysely<Database>, rows: RecipientWithCabinet[], user: string | undefined): Promise<RecipientWithCabinet[]> {
  if (user === undefined || rows.length === 0) return rows;
  const cabinets = new Set((await listCabinets(db, user)).map((c) => c.id));
  const stores = new Set((await listStores(db, user)).map((s) => s.id));
  return rows.filter((r) => (r.kaspi_store_id ? stores.has(r.kaspi_store_id) : cabinets.has(r.cabinet_id!)));
}

/** Telegram chat ids: users are positive, groups and channels negative (-100…), all within 52 bits. */
const CHAT_IDS = { min: -(2 ** 53 - 1), max: 2 ** 53 - 1 };

/** A recipient id as given on the command line: a whole number (a bigint id in the database). */
export function recipientId(text: string, flag = 'recipient id'): string {
  return String(integer(text, flag, { min: 1, max: Number.MAX_SAFE_INTEGER }));
}

export async function requireRecipient(db: Kysely<Database>, id: string, user?: string): Promise<RecipientWithCabinet> {
  const found = await getRecipient(db, recipientId(id));
  const [row] = found ? await visible(db, [found], user) : [];
  if (!row) throw new UserError('NOTIFY_RECIPIENT_NOT_FOUND', `no recipient ${id}: see \`mp notify recipient list\``);
  return row;
}

export async function removeRecipient(db: Kysely<Database>, id: string, user?: string): Promise<RecipientWithCabinet> {
  const row = await requireRecipient(db, id, user);
  await deleteRecipient(db, row.id);
  return row;
}

export interface SettingsFlags {
  enable?: string;
  disable?: string;
  on?: boolean;
  off?: boolean;
  reviewThreshold?: string;
  stockThreshold?: string;
  group?: string;
  quietHours?: string;
  tz?: string;
  lang?: string;
}

/** A comma-separated list of the types a recipient of `marketplace` can receive. */
export function parseTypes(text: string, flag: string, marketplace: Marketplace = 'wb'): NotifyType[] {
  const allowed = typesFor(marketplace);
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((t) => !(allowed as readonly string[]).includes(t));
  if (bad.length || list.length === 0) {
    const whose = marketplace === 'kaspi' ? 'for a Kaspi store' : 'for a WB cabinet';
    throw new UsageError('NOTIFY_BAD_TYPE', `${flag} takes ${allowed.join(',')} ${whose}; got "${text}"`);
  }
  return list as NotifyType[];
}

function intFlag(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError('NOTIFY_BAD_SETTING', `${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

/** Pure: the settings change the flags ask for (an empty object when none were given). */
export function settingsPatch(current: Pick<RecipientWithCabinet, 'types'> & { kaspi_store_id?: string | null }, f: SettingsFlags): SettingsPatch {
  const marketplace = current.kaspi_store_id ? 'kaspi' : 'wb';
  const patch: SettingsPatch = {};
  if (f.on && f.off) throw new UsageError('NOTIFY_BAD_SETTING', 'give --on or --off, not both');
  if (f.on) patch.enabled = true;
  if (f.off) patch.enabled = false;
  if (f.enable || f.disable) {
    const types = new Set(current.types as NotifyType[]);
    for (const t of f.enable ? parseTypes(f.enable, '--enable', marketplace) : []) types.add(t);
    for (const t of f.disable ? parseTypes(f.disable, '--disable', marketplace) : []) types.delete(t);
    patch.types = typesFor(marketplace).filter((t) => types.has(t));
  }
  if (f.reviewThreshold !== undefined) patch.review_threshold = intFlag(f.reviewThreshold, '--review-threshold', 0, 5);
  if (f.stockThreshold !== undefined) patch.stock_threshold = intFlag(f.stockThreshold, '--stock-threshold', 0, 1_000_000);
  if (f.group !== undefined) patch.group_threshold = intFlag(f.group, '--group', 0, 1000);
  if (f.quietHours !== undefined) {
    if (['off', 'none', ''].includes(f.quietHours)) {
      patch.quiet_start = null;
      patch.quiet_end = null;
    } else {
      const q = parseQuietHours(f.quietHours);
      patch.quiet_start = q.start;
      patch.quiet_end = q.end;
    }
  }
  if (f.tz !== undefined) patch.time_zone = checkTimeZone(f.tz);
  if (f.lang !== undefined) {
    if (f.lang !== 'ru' && f.lang !== 'en') throw new UsageError('NOTIFY_BAD_SETTING', `--lang must be ru or en, got "${f.lang}"`);
    patch.lang = f.lang;
  }
  return patch;
}

/** Applies a settings change to a recipient and returns the updated row. */
export async function changeSettings(db: Kysely<Database>, id: string, patch: SettingsPatch): Promise<RecipientWithCabinet> {
  await requireRecipient(db, id);
  if (Object.keys(patch).length > 0) await updateRecipientSettings(db, id, patch);
  return requireRecipient(db, id);
}

/** The recipient a settings command means: the one given, or the only one. */
export async function settingsTarget(db: Kysely<Database>, id?: string, user?: string): Promise<RecipientWithCabinet> {
  if (id) return requireRecipient(db, recipientId(id, '--recipient'), user);
  const all = await visible(db, await listRecipients(db), user);
  if (all.length === 0)
    throw new UserError('NOTIFY_NO_RECIPIENT', 'No notification recipient. Add one with `mp notify recipient add` or start the bot (`mp wb bot`).');
  if (all.length > 1)
    throw new UserError(
      'NOTIFY_RECIPIENT_AMBIGUOUS',
      `there are ${all.length} recipients: choose one with --recipient <id> (see \`mp notify recipient list\`)`,
    );
  return all[0]!;
}

/** A recipient's settings as a record for display and --json. */
export function describeSettings(r: RecipientWithCabinet): Record<string, unknown> {
  return {
    recipient: r.id,
    marketplace: recipientMarketplace(r),
    ...(r.kaspi_store_id ? { kaspi_store: r.store_name, merchant_id: r.merchant_id } : { cabinet: r.cabinet_name }),
    channel: r.channel,
    target: r.channel === 'telegram' ? r.chat_id : r.webhook_url,
    enabled: r.enabled,
    disabled: r.disabled_at ? `since ${r.disabled_at.toISOString()}: ${r.disabled_reason ?? ''}` : null,
    types: r.types,
    review_threshold: r.review_threshold,
    stock_threshold: r.stock_threshold,
    group_threshold: r.group_threshold,
    quiet_hours: r.quiet_start ? `${r.quiet_start}-${r.quiet_end}` : null,
    time_zone: r.time_zone,
    lang: r.lang,
  };
}
