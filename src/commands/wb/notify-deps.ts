// What the notify and bot commands hand to the notify services.
import type { Context } from '../../core/context.js';
import type { DeliverOperationDeps } from '../../notify/deliver.operation.js';

export async function notifyDeps(ctx: Context): Promise<DeliverOperationDeps> {
  const handle = await ctx.db();
  return { handle, db: handle.db, config: ctx.config, log: ctx.log, clock: ctx.clock, secretKey: await ctx.secretKey() };
}

/** Reads all of stdin (for secrets piped in), trimmed. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}
