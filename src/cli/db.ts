// `mp db`: migrations and status.
import type { Command } from 'commander';
import { run } from './action.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('the database: migrations and status');
  db.command('migrate')
    .description('apply pending migrations (safe to run from several processes at once)')
    .action(run(async () => (await import('../commands/db/migrate.js')).dbMigrate));
  db.command('status')
    .description('engine, location, applied and pending migrations')
    .action(run(async () => (await import('../commands/db/status.js')).dbStatus));
}
