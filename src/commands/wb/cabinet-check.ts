import type { Context } from '../../core/context.js';
import { PartialFailure } from '../../core/errors.js';
import { WB } from '../../core/format.js';
import { checkCabinet } from '../../wb/cabinet.service.js';
import { wbDeps } from './deps.js';

/** `mp wb cabinet check [cabinet]`: re-validates stored tokens; exit 1 when one is rejected. */
export async function wbCabinetCheck(ctx: Context, ref: string | undefined): Promise<void> {
  const results = await checkCabinet(await wbDeps(ctx), ref);
  for (const r of results) {
    for (const w of r.check?.warnings ?? []) ctx.log.warn(`${r.cabinet.name}: ${w}`);
    if (r.error) ctx.log.error(r.error.message, { code: r.error.code });
  }
  const rows = results.map((r) => ({
    id: r.cabinet.id,
    name: r.cabinet.name,
    ok: !r.error,
    expires: r.check?.expiresAt ?? r.cabinet.token_expires_at,
    categories: r.check?.categories ?? [],
    missing: r.check?.missing ?? [],
    error: r.error?.message ?? null,
  }));
  ctx.out.list(
    rows,
    [
      { key: 'id' },
      { key: 'name', shrink: true },
      { key: 'ok' },
      { key: 'expires', kind: 'day', priority: 3 },
      { key: 'missing', shrink: true, ellipsis: 'end' },
      { key: 'error', shrink: true, ellipsis: 'end' },
    ],
    { market: WB },
  );
  const bad = results.filter((r) => r.error).length;
  if (bad > 0) throw new PartialFailure('WB_CABINET_CHECK_FAILED', `${bad} of ${results.length} cabinet token(s) failed the check: see above`);
}
