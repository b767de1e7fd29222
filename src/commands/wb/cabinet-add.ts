import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { text } from '../../core/validate.js';
import { addCabinet } from '../../wb/cabinet.service.js';
import { wbDeps } from './deps.js';

interface Options {
  name?: string;
  tokenStdin?: boolean;
}

/** `mp wb cabinet add`: the token from stdin, WB_TOKEN or a hidden prompt — never an argument. */
export async function wbCabinetAdd(ctx: Context, options: Options): Promise<void> {
  const name = options.name === undefined ? undefined : text(options.name, '--name', { max: 100 });
  const token = await readToken(ctx, options);
  const deps = await wbDeps(ctx);
  const result = await addCabinet(deps, token, name);
  for (const warning of result.check?.warnings ?? []) ctx.log.warn(warning);
  const c = result.cabinet;
  if (!result.created) {
    ctx.log.info(
      result.attached
        ? `this token belongs to cabinet "${c.name}" (id ${c.id}) already: user "${deps.userName}" is now attached to it`
        : `this token belongs to cabinet "${c.name}" (id ${c.id}), and user "${deps.userName}" is attached already`,
    );
  } else {
    ctx.log.info(`cabinet "${c.name}" (id ${c.id}) added; run \`mp wb sync\` to fetch its orders, sales, stocks, reviews and cards`);
  }
  ctx.out.object({
    id: c.id,
    name: c.name,
    seller: c.seller_name,
    expires: c.token_expires_at,
    created: result.created,
    attached: result.attached,
    missing: result.check?.missing ?? [],
  });
}

/** The token from stdin (--token-stdin), WB_TOKEN or a hidden prompt on a terminal. */
export async function readToken(ctx: Context, options: Pick<Options, 'tokenStdin'>, command = 'mp wb cabinet add --token-stdin'): Promise<string> {
  if (options.tokenStdin && !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (text) return text;
  }
  const fromEnv = ctx.config.env.WB_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  if (ctx.interactive) {
    const { password } = await import('@inquirer/prompts');
    return password({ message: 'Wildberries API token (Settings → API access):', mask: '*' }, { output: process.stderr });
  }
  throw new UsageError('WB_TOKEN_MISSING', `no Wildberries token: pipe it to \`${command}\`, set WB_TOKEN, or run on a terminal to be asked`);
}
