// `mp wb notify` (the same tree as `mp notify`) and `mp wb bot`.
import type { Command } from 'commander';
import { run } from './action.js';
import { registerNotifyCommands } from './notify.js';

/** Under `mp wb`. */
export function registerWbNotify(wb: Command): void {
  registerNotifyCommands(wb.command('notify').description('the same as `mp notify` (notifications for WB cabinets and Kaspi stores)'));
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
