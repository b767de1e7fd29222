import type { Context } from '../../core/context.js';
import { currentUser } from '../../core/user.js';
import { changeSettings, describeSettings, type SettingsFlags, settingsPatch, settingsTarget } from '../../notify/recipient.service.js';
import { NOTIFY_TYPES, type NotifyType } from '../../notify/types.js';
import { notifyDeps } from './notify-deps.js';

/**
 * `mp wb notify settings [--recipient <id>] [flags]`: flags change settings (scripts); with no flag
 * on a terminal, an interactive checklist; otherwise it prints the current settings.
 */
export async function wbNotifySettings(ctx: Context, o: SettingsFlags & { recipient?: string }): Promise<number> {
  const deps = await notifyDeps(ctx);
  const target = await settingsTarget(deps.db, o.recipient, currentUser(ctx.config.env));
  let patch = settingsPatch(target, o);
  if (Object.keys(patch).length === 0 && ctx.interactive && !ctx.out.json) {
    const { checkbox } = await import('@inquirer/prompts');
    const chosen = await checkbox(
      {
        message: `Notifications for ${target.channel} ${target.chat_id ?? target.webhook_url} (cabinet "${target.cabinet_name}")`,
        choices: NOTIFY_TYPES.map((t) => ({ name: t, value: t, checked: target.types.includes(t) })),
      },
      { output: process.stderr },
    );
    patch = { types: NOTIFY_TYPES.filter((t) => (chosen as NotifyType[]).includes(t)) };
  }
  const updated = await changeSettings(deps.db, target.id, patch);
  ctx.out.object(describeSettings(updated));
  return 0;
}
