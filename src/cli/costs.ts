// `mp costs`: unit costs with history, the base of the profit reports and the repricer's margin floor.
import type { Command } from 'commander';
import { run } from './action.js';

export function registerCosts(program: Command): void {
  const costs = program.command('costs').description('unit costs per product with history (from a date on): profit reports and the margin floor use them');
  costs
    .command('import')
    .description('import costs from a CSV/XLSX file: marketplace,product,cost[,commission_pct,delivery,valid_from,currency] (a bad row rejects the file)')
    .requiredOption('--file <path>', 'the .csv or .xlsx file')
    .option('--valid-from <date>', 'the first day of rows without valid_from (default today: Almaty for kaspi, Moscow for wb)')
    .option('--encoding <name>', 'CSV text encoding: auto (UTF-8 with or without BOM, else cp1251), utf8 or cp1251', 'auto')
    .action(run(async () => (await import('../commands/costs/costs.js')).costsImport));
  costs
    .command('set <marketplace> <product>')
    .description('set one product’s cost from a day on (kaspi: product code or SKU; wb: nmId or vendor code)')
    .option('--cost <amount>', 'cost of one unit in the marketplace’s currency (default: the cost before that day)')
    .option('--commission-pct <percent>', 'the product’s commission, over the category table (`none` clears it)')
    .option('--delivery <amount>', 'per-unit delivery the seller pays where the marketplace gives none (`none` clears it)')
    .option('--valid-from <date>', 'first day (default today in the marketplace’s zone)')
    .option('--currency <code>', 'currency of the amounts (default KZT for kaspi, RUB for wb)')
    .action(run(async () => (await import('../commands/costs/costs.js')).costsSet));
  costs
    .command('list')
    .description('the cost in effect per product (or every row with --history)')
    .option('--marketplace <name>', 'kaspi or wb')
    .option('--product <product>', 'only this product')
    .option('--at <date>', 'in effect on this day (default today)')
    .option('--history', 'every row, each with its first day')
    .action(run(async () => (await import('../commands/costs/costs.js')).costsList));
  costs
    .command('export')
    .description('write every cost row as a file `mp costs import` reads back (the unit-costs dataset)')
    .option('--out <file>', 'the .csv or .xlsx to write, or - for stdout (default export/unit-costs-<timestamp>.csv)')
    .option('--format <format>', 'csv, xlsx, json or ndjson (default: from the --out extension, else csv)')
    .option('--marketplace <name>', 'kaspi or wb')
    .action(run(async () => (await import('../commands/costs/costs.js')).costsExport));
  costs
    .command('remove <marketplace> <product>')
    .description('remove a product’s costs (all, or the row of --valid-from)')
    .option('--valid-from <date>', 'only the row from this day')
    .action(run(async () => (await import('../commands/costs/costs.js')).costsRemove));
}
