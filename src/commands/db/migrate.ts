import type { Context } from '../../core/context.js';
import { migrateDatabase } from '../../db/status.js';

export async function dbMigrate(ctx: Context): Promise<void> {
  const result = await migrateDatabase(ctx.config);
  if (ctx.out.json) {
    ctx.out.jsonDocument(result);
    return;
  }
  if (result.applied.length === 0) ctx.log.info(`The ${result.engine} database at ${result.location} is up to date.`);
  else ctx.log.info(`Applied ${result.applied.length} migration(s) to the ${result.engine} database at ${result.location}: ${result.applied.join(', ')}`);
}
