// `mp wb notify` (recipients, settings, delivery) and `mp wb bot`.
import type { Command } from 'commander';
import { run } from './action.js';

/** Under `mp wb`. */
export function registerWbNotify(wb: Command): void {
  const notify = wb.command('notify').description('notifications: WB events to Telegram chats and signed webhooks, exactly once');
  notify
    .command('deliver')
    .description('turn new WB events into notifications and send what is due (cron and the daemon call it)')
    .action(run(async () => (await import('../commands/wb/notify-deliver.js')).wbNotifyDeliver));
  notify
    .command('test')
    .description('send one sample of each enabled type')
    .option('--recipient <id>', 'only this recipient')
    .action(run(async () => (await import('../commands/wb/notify-test.js')).wbNotifyTest));
  notify
    .command('tail')
    .description('print WB events as the sync writes them (NDJSON with --json), until Ctrl-C')
    .option('--from <event id>', 'start after this event id (default: only new events)')
    .option('--interval <duration>', 'how often to look for new events (default 1s)')
    .action(run(async () => (await import('../commands/wb/notify-tail.js')).wbNotifyTail));
  notify
    .command('settings')
    .description('show or change the settings of a recipient (a checklist on a terminal when no flag is given)')
    .option('--recipient <id>', 'the recipient (needed when there are several)')
    .option('--on', 'notifications on')
    .option('--off', 'notifications off')
    .option('--enable <types>', 'new_order,cancellation,buyout,return,negative_review,critical_stock,sync_gap')
    .option('--disable <types>', 'types to switch off')
    .option('--review-threshold <n>', 'negative review = rating at most n (0-5, 0 = off; default 3)')
    .option('--stock-threshold <n>', 'critical stock = total falls to at most n (default 2)')
    .option('--group <n>', 'more than n events of one type in one sync become one digest (0 = never; default 5)')
    .option('--quiet-hours <from-to>', 'hold messages during e.g. 22:00-08:00 ("off" to clear)')
    .option('--tz <zone>', 'time zone of the quiet hours (default Europe/Moscow)')
    .option('--lang <ru|en>', 'message language (default ru)')
    .action(run(async () => (await import('../commands/wb/notify-settings.js')).wbNotifySettings));
  const recipient = notify.command('recipient').description('Telegram chats and webhooks subscribed to a cabinet (without the bot)');
  recipient
    .command('add')
    .description('subscribe a Telegram chat or a webhook (secret from stdin) to a cabinet')
    .requiredOption('--cabinet <cabinet>', 'cabinet id or name')
    .option('--telegram-chat <chat id>', 'a Telegram chat id')
    .option('--webhook <url>', 'a URL to POST signed JSON to')
    .option('--secret-stdin', 'read the webhook signing secret from stdin')
    .action(run(async () => (await import('../commands/wb/notify-recipient.js')).wbNotifyRecipientAdd));
  recipient
    .command('list')
    .description('recipients with their channel, status and settings')
    .option('--cabinet <cabinet>', 'only this cabinet')
    .action(run(async () => (await import('../commands/wb/notify-recipient.js')).wbNotifyRecipientList));
  recipient
    .command('remove <id>')
    .description('unsubscribe a recipient')
    .action(run(async () => (await import('../commands/wb/notify-recipient.js')).wbNotifyRecipientRemove));
  const bot = wb
    .command('bot')
    .description('run the Telegram bot (long polling): /start, WB token, initial sync, menu with reports and settings')
    .option('--once', 'handle the updates waiting now, then exit')
    .action(run(async () => (await import('../commands/wb/bot.js')).wbBot));
  bot
    .command('setup')
    .description('store the Telegram bot token (hidden prompt, --token-stdin or MP_TELEGRAM_BOT_TOKEN), checked with getMe')
    .option('--token-stdin', 'read the token from stdin')
    .action(run(async () => (await import('../commands/wb/bot-setup.js')).wbBotSetup));
}
