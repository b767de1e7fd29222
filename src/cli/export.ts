// `mp export`: datasets to CSV, XLSX, JSON or NDJSON.
import type { Command } from 'commander';
import { run } from './action.js';

export function registerExport(program: Command): void {
  program
    .command('export [dataset]')
    .description('write a dataset to CSV, XLSX, JSON or NDJSON, streamed (no dataset: list them)')
    .option('--format <format>', 'csv, xlsx, json or ndjson (default: from the --out extension, else csv)')
    .option('--out <file>', 'the file to write, or - for stdout (default: export/<dataset>-<timestamp>.<ext>)')
    .option('--since <when>', 'rows since an age (7d, 12h) or a date (2026-11-01)')
    .option('--city <city>', 'only this city (id or name)')
    .option('--filter <key=value>', 'only rows where a column matches (also !=, >, >=, <, <=); repeatable', (v: string, all: string[] = []) => [...all, v])
    .option('--excel', 'CSV for Excel in ru/kz locales: BOM, ; separators, decimal commas')
    .action(run(async () => (await import('../commands/export/run.js')).exportRun));
}
