// What a command or a job hands to an operation: the database handle (for its locks) and its `db`,
// config, logger, clock and secret key.

import type { DbHandle } from '../db/connect.js';
import type { Config } from './config.js';
import type { Context } from './context.js';
import type { Logger } from './log.js';
import type { Clock } from './time.js';

export interface OperationDeps {
  handle: DbHandle;
  db: DbHandle['db'];
  config: Config;
  log: Logger;
  clock: Clock;
  secretKey: Buffer;
}

export async function operationDeps(ctx: Context): Promise<OperationDeps> {
  const handle = await ctx.db();
  return { handle, db: handle.db, config: ctx.config, log: ctx.log, clock: ctx.clock, secretKey: await ctx.secretKey() };
}
