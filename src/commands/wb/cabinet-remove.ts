import type { Context } from '../../core/context.js';
import { removeCabinet } from '../../wb/cabinet.service.js';

/** `mp wb cabinet remove <cabinet>`: the cabinet and everything synced for it. */
export async function wbCabinetRemove(ctx: Context, ref: string): Promise<number> {
  const cabinet = await removeCabinet((await ctx.db()).db, ref);
  ctx.log.info(`cabinet "${cabinet.name}" (id ${cabinet.id}) removed with its synced data`);
  ctx.out.object({ id: cabinet.id, name: cabinet.name, removed: true });
  return 0;
}
