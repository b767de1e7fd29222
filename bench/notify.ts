// `npm run bench -- notify [notifications=10000] [rate=1000] [chats=2000] [--json]`: on PostgreSQL
// (BENCH_DATABASE_URL or TEST_DATABASE_URL; a throwaway database is created), `notifications`
// pending Telegram notifications spread over `chats` chats are delivered to the fake Telegram
// server at `rate` messages/s (1 per second per chat): achieved rate, duplicates (must be 0), and
// the default pace (100 messages at 25/s) measured at the server.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { openDatabase, openPostgres } from '../src/db/connect.js';
import { startFakeTelegram } from '../src/fakes/fake-telegram.js';
import { deliverPending } from '../src/notify/deliver.service.js';
import { Pacer } from '../src/notify/pacer.js';
import { TelegramClient } from '../src/notify/telegram/telegram-client.js';
import { benchArgs, figure, finish, peakRssMb } from './_util.js';

const N = Number(benchArgs[0] ?? 10_000);
const RATE = Number(benchArgs[1] ?? 1000);
const CHATS = Number(benchArgs[2] ?? 2000);
const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const name = `mp_bench_notify_${randomBytes(3).toString('hex')}`;
const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();

async function seed(db: Awaited<ReturnType<typeof openDatabase>>['db'], n: number, chats: number, chatBase: number): Promise<void> {
  const cab = await db
    .insertInto('wb_cabinets')
    .values({ name: `bench-${chatBase}`, token_sealed: 'x', token_hash: randomBytes(8).toString('hex'), token_last4: 'abcd' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into notify_recipients (cabinet_id, channel, chat_id) select ${cab.id}, 'telegram', (${chatBase} + g)::text from generate_series(1, ${chats}) g`.execute(
    db,
  );
  await sql`
    insert into notify_outbox (recipient_id, cabinet_id, type, dedup_key, payload, next_attempt_at)
    select r.id, r.cabinet_id, 'new_order', r.cabinet_id || ':new_order:' || n,
      jsonb_build_object('type', 'new_order', 'cabinet', jsonb_build_object('id', r.cabinet_id::text, 'name', 'Bench'),
        'events', jsonb_build_array(jsonb_build_object('id', n::text, 'key', 'srid-' || n, 'occurred_at', '2026-11-21T10:00:00Z',
          'data', jsonb_build_object('srid', 'srid-' || r.chat_id || '-' || n, 'name', 'Кружка', 'prices', jsonb_build_object('finishedPrice', '1290'))))),
      now() - interval '1 minute'
    from generate_series(1, ${Math.ceil(n / chats)}) n cross join notify_recipients r
    where r.cabinet_id = ${cab.id}
    order by n, r.id
    limit ${n}`.execute(db);
}

const admin = await openPostgres(adminUrl, { poolSize: 1 });
await sql.raw(`create database ${name}`).execute(admin.db);
const handle = await openDatabase({ databaseUrl: url, home: '/tmp', lockTimeoutMs: 1000, file: {}, env: {} });
const tg = await startFakeTelegram();
const client = new TelegramClient({ baseUrl: tg.url, token: tg.token });
try {
  await seed(handle.db, N, CHATS, 1_000_000);
  let t = Date.now();
  const cpu = process.cpuUsage();
  const stats = await deliverPending(handle.db, {
    now: () => new Date(),
    secretKey: Buffer.alloc(32),
    telegram: { client, pacer: new Pacer({ perSecond: RATE, perChatMs: 1000 }) },
    batchSize: 500,
    concurrency: 32,
  });
  let seconds = (Date.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const unique = new Set(tg.sent.map((m) => `${m.chatId}|${m.text}`)).size;
  figure('sent', 'notify.sent', stats.sent);
  figure('seconds', 'notify.seconds', seconds, 's');
  figure('msg_per_s', 'notify.rate', N / seconds, `msg/s (configured ${RATE})`);
  figure('duplicates', 'notify.duplicates', tg.sent.length - unique);
  figure('peak_rss_mb', 'notify.peak_rss', peakRssMb(), 'MB');
  // This process (delivery and the fake Telegram server); PostgreSQL's own CPU is not included.
  figure('cpu_ms_per_message', 'notify.cpu_per_message', (cpuSeconds / N) * 1000, 'ms (delivery + fake server)');
  figure('cpu_s', 'notify.cpu', cpuSeconds, 's CPU (delivery + fake server)');
  figure('load_average_1m_after_delivery', 'notify.load_average (1 min)', loadavg()[0]!);

  tg.sent.length = 0;
  await seed(handle.db, 100, 100, 2_000_000);
  t = Date.now();
  await deliverPending(handle.db, {
    now: () => new Date(),
    secretKey: Buffer.alloc(32),
    telegram: { client, pacer: new Pacer({ perSecond: 25, perChatMs: 1000 }) },
  });
  seconds = (Date.now() - t) / 1000;
  const times = tg.sent.map((m) => m.at).sort((a, b) => a - b);
  figure('default_pace_msg_per_s', 'notify.default_pace', (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000), 'msg/s (configured 25)');
} finally {
  await client.close();
  await tg.stop();
  await handle.close();
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
  await admin.close();
}
finish();
