// Shared by the Kaspi order commands: the store, `--since`, and stating the Almaty window.
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { ALMATY, parseSince } from '../../core/time.js';
import type { AlmatyWindow } from '../../kaspi-orders/sales.service.js';

/** `--since 7d | 12h | 2026-11-01` (dates are Almaty midnight). */
export function almatySince(text: string, ctx: Context): Date {
  try {
    return parseSince(text, ctx.clock.now(), ALMATY);
  } catch {
    throw new UsageError('KASPI_BAD_SINCE', `--since takes an age like 7d or a date like 2026-11-01 (Almaty time), got "${text}"`);
  }
}

/** `--overlap 14d` in days. */
export function overlapMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)d$/.exec(text.trim());
  if (!m || Number(m[1]) > 60) throw new UsageError('KASPI_BAD_OVERLAP', `--overlap takes days like 14d (0–60), got "${text}"`);
  return Number(m[1]) * 86_400_000;
}

/** States the Almaty window: a heading on a terminal, a log line when piped (stdout stays data). */
export function stateAlmatyWindow(ctx: Context, what: string, window: AlmatyWindow): void {
  const text = `${what}, ${window.text}`;
  if (ctx.out.isTTY) ctx.out.text(ctx.out.paint.bold(text));
  else ctx.log.info(text);
}
