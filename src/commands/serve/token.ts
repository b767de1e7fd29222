// `mp serve token create|list|revoke`: the REST API's tokens, for the current user (MP_USER).
import type { Context } from '../../core/context.js';
import { currentUser } from '../../core/user.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../serve/api-tokens.service.js';

export async function tokenCreate(ctx: Context, options: { name?: string; scope?: string[]; rate?: string }): Promise<void> {
  const { db } = await ctx.db();
  const created = await createApiToken(db, { userName: currentUser(ctx.config), name: options.name ?? '', scopes: options.scope, rate: options.rate });
  if (ctx.out.json) {
    ctx.out.jsonDocument(created);
    return;
  }
  ctx.log.info(`API token "${created.name}" for user ${created.user}, scopes ${created.scopes.join(', ')}: shown this once; keep it secret`);
  ctx.out.text(created.token);
}

export async function tokenList(ctx: Context, options: { all?: boolean }): Promise<void> {
  const rows = await listApiTokens((await ctx.db()).db, currentUser(ctx.config), options.all);
  if (rows.length === 0 && !ctx.out.json) ctx.log.info('No API token. Create one with `mp serve token create --name <name>`.');
  ctx.out.list(rows, [
    { key: 'id' },
    { key: 'name' },
    { key: 'prefix', get: (r) => `${r.prefix}…` },
    { key: 'scopes' },
    { key: 'ratePerSecond', header: 'rate/s', get: (r) => r.ratePerSecond ?? 'default' },
    { key: 'createdAt', header: 'created', get: (r) => r.createdAt.toISOString().slice(0, 16) },
    { key: 'lastUsedAt', header: 'last used', get: (r) => r.lastUsedAt?.toISOString().slice(0, 16) },
    ...(options.all ? [{ key: 'revokedAt' as const, header: 'revoked', get: (r: (typeof rows)[number]) => r.revokedAt?.toISOString().slice(0, 16) }] : []),
  ]);
}

export async function tokenRevoke(ctx: Context, ref: string): Promise<void> {
  const revoked = await revokeApiToken((await ctx.db()).db, currentUser(ctx.config), ref, ctx.clock.now());
  if (ctx.out.json) ctx.out.jsonDocument(revoked);
  else ctx.log.info(`revoked API token "${revoked.name}" (${revoked.prefix}…)`);
}
