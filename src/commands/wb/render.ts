// Small rendering helpers shared by the WB report commands.
import type { Context } from '../../core/context.js';
import type { ReportWindow } from '../../wb/report.service.js';

/** States the Moscow-time window: a heading on a terminal, a log line when piped (stdout stays data). */
export function stateWindow(ctx: Context, what: string, window: ReportWindow): void {
  const text = `${what}, ${window.text} (Moscow time)`;
  if (ctx.out.isTTY) ctx.out.text(ctx.out.paint.bold(text));
  else ctx.log.info(text);
}
