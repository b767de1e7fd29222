import type { Context } from '../../core/context.js';
import { maskSecret } from '../../core/secrets.js';
import { currentUser } from '../../core/user.js';
import {
  addRecipient,
  describeSettings,
  type RecipientWithCabinet,
  recipientMarketplace,
  recipientsOf,
  removeRecipient,
  subjectOf,
} from '../../notify/recipient.service.js';
import { notifyDeps, readStdin } from './notify-deps.js';

function toJson(r: RecipientWithCabinet) {
  const { webhook_secret_sealed: _secret, ...rest } = r;
  return { ...rest, marketplace: recipientMarketplace(r), has_secret: Boolean(r.webhook_secret_sealed) };
}

/** `mp notify recipient add (--cabinet <c> | --kaspi-store <s>) (--telegram-chat <id> | --webhook <url> --secret-stdin)`. */
export async function wbNotifyRecipientAdd(
  ctx: Context,
  o: { cabinet?: string; kaspiStore?: string; telegramChat?: string; webhook?: string; secretStdin?: boolean },
): Promise<void> {
  const secret = o.webhook && o.secretStdin ? await readStdin() : undefined;
  const deps = await notifyDeps(ctx);
  const r = await addRecipient(deps.db, deps.secretKey, {
    cabinet: o.cabinet,
    kaspiStore: o.kaspiStore,
    telegramChat: o.telegramChat,
    webhook: o.webhook,
    secret,
    user: currentUser(ctx.config),
  });
  ctx.log.info(`recipient ${r.id} subscribed to ${subjectOf(r)}; \`mp notify test --recipient ${r.id}\` sends a sample`);
  ctx.out.object(describeSettings(r), toJson(r));
}

/** `mp notify recipient list [--cabinet | --kaspi-store]`. */
export async function wbNotifyRecipientList(ctx: Context, o: { cabinet?: string; kaspiStore?: string }): Promise<void> {
  const deps = await notifyDeps(ctx);
  const rows = await recipientsOf(deps.db, { cabinet: o.cabinet, kaspiStore: o.kaspiStore }, currentUser(ctx.config));
  ctx.out.list(
    rows,
    [
      { key: 'id', align: 'right' },
      { key: 'of', get: (r) => (r.kaspi_store_id ? `kaspi ${r.store_name}` : `wb ${r.cabinet_name}`), shrink: true },
      { key: 'channel' },
      { key: 'target', get: (r) => (r.channel === 'telegram' ? r.chat_id : r.webhook_url), shrink: true },
      { key: 'secret', get: (r) => (r.webhook_secret_sealed ? maskSecret('sealed-secret') : ''), priority: 4 },
      { key: 'status', get: (r) => (r.disabled_at ? `disabled: ${r.disabled_reason ?? ''}` : r.enabled ? 'on' : 'off'), shrink: true, ellipsis: 'end' },
      { key: 'types', get: (r) => r.types.join(','), shrink: true, ellipsis: 'end', min: 10, priority: 2 },
      { key: 'quiet', get: (r) => (r.quiet_start ? `${r.quiet_start}-${r.quiet_end} ${r.time_zone}` : ''), priority: 3 },
      { key: 'lang', priority: 5 },
    ],
    toJson,
  );
  if (rows.length === 0 && !ctx.out.json)
    ctx.log.info('No recipients. Add one with `mp notify recipient add (--cabinet <c> | --kaspi-store <s>) --telegram-chat <id>`.');
}

/** `mp wb notify recipient remove <id>`. */
export async function wbNotifyRecipientRemove(ctx: Context, id: string): Promise<void> {
  const deps = await notifyDeps(ctx);
  const r = await removeRecipient(deps.db, id, currentUser(ctx.config));
  ctx.log.info(`recipient ${r.id} (${r.channel} ${r.channel === 'telegram' ? r.chat_id : r.webhook_url}) removed from ${subjectOf(r)}`);
  if (ctx.out.json) ctx.out.jsonDocument({ removed: r.id });
}
