// Flag parsing shared by the `mp demper` and `mp preorders` commands.
import { parseDurationMs } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError, UserError } from '../../core/errors.js';
import { parseShard as parseShardText, type Shard } from '../../core/shard.js';
import type { RunRules } from '../../demper/strategy.js';

export interface RuleOptions {
  exclude?: string;
  sameCity?: boolean;
  maxDeliveryDays?: string;
  /** commander's --no-raise-to-max. */
  raiseToMax?: boolean;
  maxChange?: string;
  maxChangePct?: string;
  raiseCooldown?: string;
  shard?: string;
  concurrency?: string;
  rate?: string;
  /** `--proxy` (repeatable): offer reads through these proxies instead of MP_KASPI_PROXIES. */
  proxy?: string[];
  store?: string;
  /** The store-wide minimum margin in percent (`demper.minMargin` otherwise). */
  minMargin?: string;
}

export function number(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError('BAD_OPTION', `${flag} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** The strategy rules from flags (the own merchant id is filled in per store). */
export function parseRules(o: RuleOptions): Omit<RunRules, 'ownMerchantId'> {
  const minutes = /^\d+$/.test(o.raiseCooldown ?? '') ? `${o.raiseCooldown}m` : o.raiseCooldown;
  return {
    exclude: o.exclude
      ? o.exclude
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    sameCityOnly: Boolean(o.sameCity),
    maxDeliveryDays: number(o.maxDeliveryDays, '--max-delivery-days', 0, 365),
    noCompetitionToMax: o.raiseToMax !== false,
    maxChangeAbs: number(o.maxChange, '--max-change', 1, 1e12),
    maxChangePct: number(o.maxChangePct, '--max-change-pct', 0.01, 100),
    raiseCooldownMs: minutes === undefined ? undefined : parseCooldown(minutes),
  };
}

function parseCooldown(text: string): number {
  const h = /^(\d+)h$/.exec(text.trim());
  if (h) return Number(h[1]) * 3_600_000;
  try {
    return parseDurationMs(text, '--raise-cooldown');
  } catch (error) {
    throw new UsageError('BAD_OPTION', (error as Error).message);
  }
}

/** `--shard i/n`. */
export function parseShard(text: string | undefined): Shard | undefined {
  return parseShardText(text);
}

/** Reads a secret from stdin (`--…-stdin`) or a hidden prompt on a terminal. */
export async function readSecret(ctx: Context, fromStdin: boolean | undefined, what: string, flag: string, optional = false): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (!text) throw new UserError('SECRET_EMPTY', `${flag}: nothing came on stdin`);
    return text;
  }
  if (!ctx.interactive) throw new UsageError('SECRET_NEEDED', `${what} is needed: pipe it with ${flag} (no prompts without a terminal)`);
  const { password } = await import('@inquirer/prompts');
  const text = (await password({ message: `${what}:`, mask: '*' }, { output: process.stderr })).trim();
  if (!text && !optional) throw new UserError('SECRET_EMPTY', `${what}: nothing was entered`);
  return text;
}

/** Asks a question on the terminal (input visible), or fails when prompts are not allowed. */
export async function ask(ctx: Context, message: string, hint: string): Promise<string> {
  if (!ctx.interactive) throw new UsageError('PROMPT_NEEDED', `${message} is needed but there is no terminal: ${hint}`);
  const { input } = await import('@inquirer/prompts');
  return input({ message: `${message}:` }, { output: process.stderr });
}
