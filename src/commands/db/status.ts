import type { Context } from '../../core/context.js';
import { describeDatabase } from '../../db/status.js';

export async function dbStatus(ctx: Context): Promise<void> {
  const handle = await ctx.db();
  const status = await describeDatabase(handle);
  if (ctx.out.json) {
    ctx.out.jsonDocument(status);
    return;
  }
  ctx.out.object({
    engine: status.servedBy ? `${status.engine} (embedded), served by mp pid ${status.servedBy.pid} since ${status.servedBy.since}` : status.engine,
    location: status.location,
    ...(status.servedBy ? { socket: status.servedBy.endpoint, clients: status.servedBy.clients } : {}),
    server: status.serverVersion,
    installation: status.installationId,
    applied: status.applied.map((m) => m.name).join(', ') || 'none',
    pending: status.pending.join(', ') || 'none',
  });
}
