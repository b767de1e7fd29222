import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { formatThousands } from '../../core/money.js';
import { readSetting } from '../../core/settings.js';
import { DATASETS, findDataset } from '../../export/datasets.js';
import { exportDataset } from '../../export/export.service.js';
import { buildConditions } from '../../export/filters.js';
import { defaultOutputPath, openFileTarget, resolveFormat, stdoutTarget } from '../../export/output-target.js';

export interface ExportOptions {
  format?: string;
  out?: string;
  since?: string;
  city?: string;
  filter?: string[];
  excel?: boolean;
}

/** `mp export [dataset]`: without a dataset, lists them; with one, writes it to a file or stdout. */
export async function exportRun(ctx: Context, name: string | undefined, options: ExportOptions): Promise<void> {
  if (!name) {
    ctx.out.list(
      DATASETS,
      [{ key: 'name' }, { key: 'description', shrink: true }, { key: 'columns', get: (d) => d.columns.map((c) => c.name).join(' '), shrink: true }],
      (d) => ({
        name: d.name,
        description: d.description,
        columns: d.columns,
        since: d.since ?? null,
        city: d.city ?? null,
      }),
    );
    return;
  }
  const dataset = findDataset(name);
  const format = resolveFormat(options.format, options.out);
  const conditions = buildConditions(dataset, options, ctx.clock.now());
  const toStdout = options.out === '-';
  if (toStdout && format === 'xlsx' && process.stdout.isTTY) {
    throw new UsageError('EXPORT_XLSX_TO_TERMINAL', 'refusing to write an XLSX file to the terminal', { hint: 'use --out <file>.xlsx or redirect stdout' });
  }
  if (options.excel && format !== 'csv') throw new UsageError('EXPORT_BAD_FORMAT', '--excel applies to CSV only');
  const handle = await ctx.db();
  const path = toStdout ? null : (options.out ?? defaultOutputPath(readSetting(ctx.config, 'export.dir'), dataset.name, format, ctx.clock.now()));
  const target = path === null ? stdoutTarget() : openFileTarget(path);
  // Rows printed on the terminal itself: a spinner redrawing between them would garble them.
  const progress = toStdout && process.stdout.isTTY ? { label() {}, stop() {} } : await ctx.progress(`exporting ${dataset.name}`);
  let result: Awaited<ReturnType<typeof exportDataset>>;
  try {
    result = await exportDataset(handle.db, {
      dataset,
      format,
      target,
      conditions,
      excel: options.excel,
      onProgress: (rows) => progress.label(`exporting ${dataset.name}: ${formatThousands(rows)} rows`),
    });
  } finally {
    progress.stop();
  }
  if (toStdout) {
    ctx.log.info(`exported ${result.rows} rows of ${dataset.name}`, { rows: result.rows, ms: result.ms });
    return;
  }
  ctx.out.object({ dataset: result.dataset, format: result.format, rows: result.rows, file: result.file, seconds: (result.ms / 1000).toFixed(1) }, result);
}
