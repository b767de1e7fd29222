// `mp notify`: notifications for the whole shop (WB cabinets and Kaspi stores) — recipients and
// their settings, delivery, samples, the live event tail, dead messages. `mp wb notify` is the same
// tree (kept for scripts written before Kaspi stores could be subscribed to).
import type { Command } from 'commander';
import { run } from './action.js';

// Spaces after the commas let the help wrap at 80 columns; the flags take the list without them.
const WB_TYPES = 'new_order, cancellation, buyout, return, negative_review, critical_stock, sync_gap, token_expiring, access_refused, job_failing';
const KASPI_TYPES =
  'new_order, cancellation, return, price_floor, lost_first_place, price_refused, store_paused, access_refused, scrape_failing, layout_changed, cancel_share, job_failing';

/** The per-recipient settings flags (`settings` and `recipient set` share them). */
function settingsFlags(c: Command): Command {
  return c
    .option('--on', 'notifications on')
    .option('--off', 'notifications off')
    .option('--enable <types>', `types to switch on, comma-separated. A WB cabinet's: ${WB_TYPES}. A Kaspi store's: ${KASPI_TYPES}`)
    .option('--disable <types>', 'types to switch off')
    .option('--review-threshold <n>', 'WB: negative review = rating at most n (0-5, 0 = off; default 3)')
    .option('--stock-threshold <n>', 'WB: critical stock = total falls to at most n (default 2)')
    .option('--group <n>', 'more than n events of one type in one sync become one digest (0 = never; default 5)')
    .option('--quiet-hours <from-to>', 'hold messages during e.g. 22:00-08:00 ("off" to clear)')
    .option('--tz <zone>', 'time zone of the quiet hours (default Europe/Moscow; Asia/Almaty for a Kaspi store)')
    .option('--lang <ru|en>', 'message language (default ru)');
}

/** The notify commands, under `mp notify` and `mp wb notify` alike. */
export function registerNotifyCommands(notify: Command): Command {
  notify
    .command('deliver')
    .description('turn new WB and Kaspi events into notifications and send what is due (cron and the daemon call it)')
    .action(run(async () => (await import('../commands/wb/notify-deliver.js')).wbNotifyDeliver));
  notify
    .command('test')
    .description('send one sample of each enabled type')
    .option('--recipient <id>', 'only this recipient')
    .action(run(async () => (await import('../commands/wb/notify-test.js')).wbNotifyTest));
  notify
    .command('tail')
    .description('print events as the syncs and the repricer write them (NDJSON with --json), until Ctrl-C')
    .option('--marketplace <wb|kaspi>', 'only this marketplace (needed with --from)')
    .option('--from <event id>', 'start after this event id (default: only new events)')
    .option('--interval <duration>', 'how often to look for new events (default 1s)')
    .action(run(async () => (await import('../commands/wb/notify-tail.js')).wbNotifyTail));
  notify
    .command('dead')
    .description('notifications given up after their last attempt (newest first); --requeue sends them again')
    .option('--recipient <id>', 'only this recipient')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--requeue', 'queue the listed notifications again (attempts reset, due now)')
    .action(run(async () => (await import('../commands/notify/dead.js')).notifyDead));
  settingsFlags(
    notify
      .command('settings')
      .description('show or change the settings of a recipient (a checklist on a terminal when no flag is given)')
      .option('--recipient <id>', 'the recipient (needed when there are several)'),
  ).action(run(async () => (await import('../commands/wb/notify-settings.js')).wbNotifySettings));
  const recipient = notify.command('recipient').description('Telegram chats and webhooks subscribed to a WB cabinet or a Kaspi store');
  recipient
    .command('add')
    .description('subscribe a Telegram chat or a webhook (secret from stdin) to a WB cabinet or a Kaspi store')
    .option('--cabinet <cabinet>', 'a WB cabinet (id or name)')
    .option('--kaspi-store <store>', 'a Kaspi store (merchant id or name)')
    .option('--telegram-chat <chat id>', 'a Telegram chat id')
    .option('--webhook <url>', 'a URL to POST signed JSON to')
    .option('--secret-stdin', 'read the webhook signing secret from stdin')
    .action(run(async () => (await import('../commands/wb/notify-recipient.js')).wbNotifyRecipientAdd));
  recipient
    .command('list')
    .description('recipients with their channel, status and settings')
    .option('--cabinet <cabinet>', 'only this WB cabinet')
    .option('--kaspi-store <store>', 'only this Kaspi store')
    .action(run(async () => (await import('../commands/wb/notify-recipient.js')).wbNotifyRecipientList));
  settingsFlags(recipient.command('set <id>').description('change a recipient’s settings (types, thresholds, grouping, quiet hours, language)')).action(
    run(async () => (await import('../commands/wb/notify-settings.js')).notifyRecipientSet),
  );
  recipient
    .command('remove <id>')
    .description('unsubscribe a recipient')
    .action(run(async () => (await import('../commands/wb/notify-recipient.js')).wbNotifyRecipientRemove));
  return notify;
}

/** Adds `mp notify`. */
export function registerNotify(program: Command): void {
  registerNotifyCommands(
    program.command('notify').description('alerts for the whole shop: WB and Kaspi events to Telegram chats and signed webhooks, exactly once'),
  );
}
