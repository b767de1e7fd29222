// `mp doctor [--json]`: checks the installation; exits non-zero when something needs action.
import type { Context } from '../core/context.js';
import { AuthError, UserError } from '../core/errors.js';
import { runDoctor } from '../doctor/doctor.service.js';

export async function doctor(ctx: Context): Promise<void> {
  const checks = await runDoctor({ config: ctx.config, env: ctx.config.env, now: ctx.clock.now(), db: () => ctx.db() });
  const failed = checks.filter((c) => c.status === 'fail');
  if (ctx.out.json) ctx.out.jsonDocument({ ok: failed.length === 0, checks });
  else {
    ctx.out.list(checks, [
      { key: 'check', shrink: true, max: 32 },
      { key: 'status' },
      { key: 'detail', shrink: true, ellipsis: 'end' },
      { key: 'action', shrink: true, ellipsis: 'end', priority: 2 },
    ]);
  }
  if (failed.length === 0) return;
  const what = `${failed.length} check(s) need action: ${failed.map((c) => c.check).join(', ')}`;
  // A new token or session fixes every failure: exit 4 (authentication), else 1.
  if (failed.every((c) => c.auth)) throw new AuthError('DOCTOR_AUTH', what);
  throw new UserError('DOCTOR_FAILED', what);
}
