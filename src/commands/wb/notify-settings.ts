import type { Context } from '../../core/context.js';
import { currentUser } from '../../core/user.js';
import {
  changeSettings,
  describeSettings,
  recipientMarketplace,
  type SettingsFlags,
  settingsPatch,
  settingsTarget,
  subjectOf,
} from '../../notify/recipient.service.js';
import { type NotifyType, typesFor } from '../../notify/types.js';
import { notifyDeps } from './notify-deps.js';

/**
 * `mp wb notify settings [--recipient <id>] [flags]`: flags change settings (scripts); with no flag
 * on a terminal, an interactive checklist; otherwise it prints the current settings.
 */
export async function wbNotifySettings(ctx: Context, o: SettingsFlags & { recipient?: string }): Promise<void> {
  const deps = await notifyDeps(ctx);
  const target = await settingsTarget(deps.db, o.recipient, currentUser(ctx.config));
  let patch = settingsPatch(target, o);
  if (Object.keys(patch).length === 0 && ctx.interactive && !ctx.out.json) {
    const { checkbox } = await import('@inquirer/prompts');
    const chosen = await checkbox(
      {
        message: `Notifications for ${target.channel} ${target.chat_id ?? target.webhook_url} (${subjectOf(target)})`,
        choices: typesFor(recipientMarketplace(target)).map((t) => ({ name: t, value: t, checked: target.types.includes(t) })),
      },
      { output: process.stderr },
    );
    patch = { types: typesFor(recipientMarketplace(target)).filter((t) => (chosen as NotifyType[]).includes(t)) };
  }
  const updated = await changeSettings(deps.db, target.id, patch);
  ctx.out.object(describeSettings(updated));
}

/** `mp notify recipient set <id> [flags]`: changes a recipient's settings (prints them with no flag). */
export async function notifyRecipientSet(ctx: Context, id: string, o: SettingsFlags): Promise<void> {
  const deps = await notifyDeps(ctx);
  const target = await settingsTarget(deps.db, id, currentUser(ctx.config));
  const updated = await changeSettings(deps.db, target.id, settingsPatch(target, o));
  ctx.out.object(describeSettings(updated));
}
