import type { Context } from '../../core/context.js';
import { currentUser } from '../../core/user.js';
import { removeCabinet } from '../../wb/cabinet.service.js';

/** `mp wb cabinet remove <cabinet>`: the cabinet and everything synced for it. */
export async function wbCabinetRemove(ctx: Context, ref: string): Promise<void> {
  const user = currentUser(ctx.config);
  const cabinet = await removeCabinet((await ctx.db()).db, ref, user);
  if (cabinet.detached)
    ctx.log.info(`cabinet "${cabinet.name}" (id ${cabinet.id}) is shared: user "${user}" is detached from it, its data stays for the others`);
  else ctx.log.info(`cabinet "${cabinet.name}" (id ${cabinet.id}) removed with its synced data`);
  ctx.out.object({ id: cabinet.id, name: cabinet.name, removed: !cabinet.detached, detached: Boolean(cabinet.detached) });
}
