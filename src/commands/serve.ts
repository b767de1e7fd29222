import type { AddressInfo } from 'node:net';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { createApiServer } from '../serve/server.js';
import { intOption } from './payouts/options.js';

interface Options {
  host?: string;
  port?: string;
}

/** `mp serve`: the payouts REST API until SIGINT/SIGTERM. */
export async function serve(ctx: Context, options: Options): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const port = intOption(options.port, '--port', 8080, 0, 65535);
  const handle = await ctx.db();
  const server = createApiServer(handle.db, {
    accessLog: ctx.globals.quiet ? null : process.stderr,
    onInternalError: (error) => ctx.log.error(`internal error: ${(error as Error).message}`, { stack: (error as Error).stack }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UsageError('PORT_IN_USE', `port ${port} on ${host} is in use: pick another with --port`) : error),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  ctx.log.info(`mp serve listening on ${url} (API docs at ${url}/openapi.json)`, { url, engine: handle.engine });
  if (ctx.out.json) ctx.out.ndjson({ url });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      ctx.log.info(`${signal}: closing the server after the requests in flight`);
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
