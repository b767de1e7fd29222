import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { readSetting } from '../../core/settings.js';
import { currentUser } from '../../core/user.js';
import type { Database } from '../../db/schema.js';
import { marginRules } from '../../profit/floor.service.js';
import { feedCredentials } from '../../serve/price-lists.js';
import { createApiServer } from '../../serve/server.js';
import { intOption } from '../payouts/options.js';

interface Options {
  host?: string;
  port?: string;
  worker?: boolean;
  allowedHost?: string;
  allowedOrigin?: string;
  tlsProxy?: boolean;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** `mp serve`: the REST API until SIGINT/SIGTERM, then the requests in flight finish. */
export async function serve(ctx: Context, options: Options): Promise<void> {
  const config = ctx.config;
  const host = options.host ?? '127.0.0.1';
  const port = intOption(options.port, '--port', 8080, 0, 65535);
  const allowedHosts = readSetting(config, 'serve.allowedHosts', { value: options.allowedHost, flag: '--allowed-host' });
  const allowedOrigins = readSetting(config, 'serve.allowedOrigins', { value: options.allowedOrigin, flag: '--allowed-origin' });
  for (const o of allowedOrigins)
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new UsageError('SERVE_BAD_ORIGIN', `--allowed-origin takes origins like https://admin.example.com, got "${o}"`);
  const tokenRate = readSetting(config, 'serve.tokenRate');
  const maxConnections = readSetting(config, 'serve.maxConnections');
  const requestTimeoutMs = readSetting(config, 'serve.requestTimeoutSeconds') * 1000;
  const maxBodyBytes = readSetting(config, 'serve.maxBodyBytes');
  const tlsProxy = options.tlsProxy || readSetting(config, 'serve.tlsProxy');
  if (!LOOPBACK.test(host) && !tlsProxy) {
    ctx.log.warn(
      `listening on ${host}: tokens and data travel in clear text. Put a TLS reverse proxy in front (docs/serve.md) and pass --tls-proxy, or keep the default 127.0.0.1`,
    );
  }
  // Checked before anything starts: half-set or weak price-list credentials refuse to start.
  const credentials = feedCredentials(config);
  const margin = marginRules(config);
  const handle = await ctx.db();
  const server = createApiServer(handle.db, {
    accessLog: ctx.globals.quiet ? null : process.stderr,
    onInternalError: (error) => ctx.log.error(`internal error: ${(error as Error).message}`, { stack: (error as Error).stack }),
    onClientGone: (info) => ctx.log.debug(`client went away during ${info.method} ${info.path}: ${info.error}`, info),
    allowedHosts,
    allowedOrigins,
    tokenRate,
    maxConnections,
    requestTimeoutMs,
    maxBodyBytes,
    deps: { handle, config: ctx.config, log: ctx.log, clock: ctx.clock, secretKey: () => ctx.secretKey() },
    priceLists: {
      credentials,
      user: currentUser(config),
      margin,
      onLogError: (error) => ctx.log.error(`could not log a price-list fetch: ${(error as Error).message}`),
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UsageError('PORT_IN_USE', `port ${port} on ${host} is in use: pick another with --port`) : error),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  ctx.log.info(`mp serve listening on ${url} (API docs at ${url}/docs; every request but /healthz needs a token: mp serve token create)`, {
    url,
    engine: handle.engine,
  });
  if (credentials) {
    ctx.log.info(
      `Kaspi price lists: ${url}/kaspi/price-lists/<merchant-id>.xml (basic auth, user ${credentials.user}) and each store's secret path (\`mp demper price-list url\`)`,
    );
  } else {
    ctx.log.info(
      'Kaspi price lists are not served: set MP_KASPI_FEED_USER and MP_KASPI_FEED_PASSWORD (or kaspi.feed.user / kaspi.feed.password) to publish them (docs/kaspi-price-list.md)',
    );
  }
  // The embedded database admits one process: there the API and the worker must share this one.
  const worker = options.worker ? await startInProcessWorker(ctx, handle.db) : undefined;
  if (ctx.out.json) ctx.out.ndjson({ url });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      ctx.log.info(`${signal}: closing the server after the requests in flight`);
      worker?.stop();
      server.shutdown(10_000).then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await worker?.done;
}

async function startInProcessWorker(ctx: Context, db: Kysely<Database>): Promise<{ stop(): void; done: Promise<void> }> {
  const [{ gatewayFromConfig }, { startWorker }] = await Promise.all([import('../../payouts/gateways/index.js'), import('../../payouts/worker.js')]);
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
