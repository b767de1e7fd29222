// `mp preorders`: preorder rows and Kaspi’s Excel template.
import type { Command } from 'commander';
import { run } from './action.js';

export function registerPreorders(program: Command): void {
  const preorders = program.command('preorders').description('Kaspi preorders and the Excel price-list template');
  const preorderFields = (c: Command) =>
    c
      .option('--store <store>', 'merchant id or name')
      .option('--model <text>', 'model (the offer title)')
      .option('--brand <text>', 'brand ("Без бренда" when none)')
      .option('--price <tenge>', 'price, whole tenge ≥ 10 (none for a SKU under price management: the file takes its current price)')
      .option('--pp1 <stock>', 'PP1 stock number, yes or no')
      .option('--pp2 <stock>', 'PP2')
      .option('--pp3 <stock>', 'PP3')
      .option('--pp4 <stock>', 'PP4')
      .option('--pp5 <stock>', 'PP5')
      .option('--preorder <days>', 'preorder days 0–30');
  preorderFields(preorders.command('add <sku>').description('add or replace a preorder row')).action(
    run(async () => (await import('../commands/preorders/preorders.js')).preordersAdd),
  );
  preorderFields(preorders.command('set <sku...>').description('change fields of preorder rows')).action(
    run(async () => (await import('../commands/preorders/preorders.js')).preordersSet),
  );
  preorders
    .command('list')
    .description('preorder rows')
    .option('--store <store>', 'merchant id or name')
    .action(run(async () => (await import('../commands/preorders/preorders.js')).preordersList));
  preorders
    .command('remove <sku...>')
    .description('remove preorder rows')
    .option('--store <store>', 'merchant id or name')
    .action(run(async () => (await import('../commands/preorders/preorders.js')).preordersRemove));
  preorders
    .command('export')
    .description('write Kaspi’s template (SKU, model, brand, price, PP1–PP5, preorder)')
    .option('--store <store>', 'merchant id or name')
    .option('--out <file>', 'the .xlsx to write (default export/preorders-<merchant>.xlsx)')
    .action(run(async () => (await import('../commands/preorders/preorders.js')).preordersExport));
  preorders
    .command('import <file>')
    .description('read the template back (columns matched by header; a bad row rejects the file)')
    .option('--store <store>', 'merchant id or name')
    .option('--encoding <name>', 'CSV text encoding: auto (UTF-8 with or without BOM, else cp1251), utf8 or cp1251', 'auto')
    .action(run(async () => (await import('../commands/preorders/preorders.js')).preordersImport));
  preorders
    .command('upload')
    .description('upload the template to the merchant cabinet and print Kaspi’s answer')
    .option('--store <store>', 'merchant id or name')
    .option('--file <path>', 'upload this file instead of a fresh export')
    .action(run(async () => (await import('../commands/preorders/upload.js')).preordersUpload));
}
