import type { Context } from '../../core/context.js';
import { replaceCabinetToken } from '../../wb/cabinet.service.js';
import { readToken } from './cabinet-add.js';
import { wbDeps } from './deps.js';

interface Options {
  tokenStdin?: boolean;
}

/**
 * `mp wb cabinet token <cabinet>`: a new token for a cabinet, in place — its orders, sales, reviews,
 * cursors and notification recipients stay (removing and re-adding the cabinet would delete them).
 */
export async function wbCabinetToken(ctx: Context, ref: string, options: Options): Promise<void> {
  const token = await readToken(ctx, options, `mp wb cabinet token ${JSON.stringify(ref)} --token-stdin`);
  const result = await replaceCabinetToken(await wbDeps(ctx), ref, token);
  for (const warning of result.check.warnings) ctx.log.warn(warning);
  const c = result.cabinet;
  if (result.lost.length) ctx.log.warn(`the new token lacks ${result.lost.join(', ')}, which the old one had`);
  ctx.log.info(`cabinet "${c.name}" (id ${c.id}) has its new token; its data and sync cursors are kept`);
  ctx.out.object({
    id: c.id,
    name: c.name,
    seller: c.seller_name,
    expires: c.token_expires_at,
    categories: c.token_categories,
    missing: result.check.missing,
  });
}
