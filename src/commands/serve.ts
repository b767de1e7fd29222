import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { currentUser } from '../core/user.js';
import type { Database } from '../db/schema.js';
import { createApiServer } from '../serve/server.js';
import { intOption } from './payouts/options.js';

interface Options {
  host?: string;
  port?: string;
  worker?: boolean;
}

/** `mp serve`: the payouts REST API until SIGINT/SIGTERM. */
export async function serve(ctx: Context, options: Options): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const port = intOption(options.port, '--port', 8080, 0, 65535);
  const handle = await ctx.db();
  const server = createApiServer(handle.db, {
    secretKey: await ctx.secretKey(),
    user: currentUser(ctx.config.env),
    accessLog: ctx.globals.quiet ? null : process.stderr,
    onInternalError: (error) => ctx.log.error(`internal error: ${(error as Error).message}`, { stack: (error as Error).stack }),
    onClientGone: (info) => ctx.log.debug(`client went away during ${info.method} ${info.path}: ${info.error}`, info),
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
  // The embedded database admits one process: there the API and the worker must share this one.
  const worker = options.worker ? await startInProcessWorker(ctx, handle.db) : undefined;
  if (ctx.out.json) ctx.out.ndjson({ url });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      ctx.log.info(`${signal}: closing the server after the requests in flight`);
      worker?.stop();
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await worker?.done;
}

async function startInProcessWorker(ctx: Context, db: Kysely<Database>): Promise<{ stop(): void; done: Promise<void> }> {
  const [{ gatewayFromConfig }, { startWorker }] = await Promise.all([import('../payouts/gateways/index.js'), import('../payouts/worker.js')]);
  const gateway = await gatewayFromConfig(ctx.config);
  const worker = startWorker(db, { gateway, log: ctx.log, secretKey: await ctx.secretKey() });
  ctx.log.info(`payout worker ${worker.id} running inside mp serve`, { gateway: gateway.name });
  const done = worker.done.then(
    (stats) => {
      ctx.log.info(`payout worker stopped: ${stats.completed} completed, ${stats.failed} failed`, { ...stats });
    },
    (error) => ctx.log.error(`payout worker failed: ${(error as Error).message}`),
  );
  return { stop: () => worker.stop(), done: done.finally(() => gateway.close()) };
}
