// Kaspi's Excel price-list / preorder template: the first sheet, one header row with exactly
// `SKU, model, brand, price, PP1, PP2, PP3, PP4, PP5, preorder` (all five PP columns even when empty;
// a PP cell is a stock number or yes/no; `preorder` is days 0–30, not stock). Reading matches
// columns by header, never by position.

import { forbiddenCharacter } from '../core/validate.js';
import type { PreorderInput } from './preorders.repository.js';

export const TEMPLATE_HEADER = ['SKU', 'model', 'brand', 'price', 'PP1', 'PP2', 'PP3', 'PP4', 'PP5', 'preorder'] as const;
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Builds the template workbook as a Buffer (every row with the price the file states). */
export async function buildPreorderWorkbook(rows: (PreorderInput & { price: number })[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow([...TEMPLATE_HEADER]);
  for (const r of rows) {
    sheet.addRow([r.sku, r.model, r.brand, r.price, ...[0, 1, 2, 3, 4].map((i) => ppCell(r.pp[i] ?? null)), r.preorderDays]);
  }
  // SKUs are text even when they look like numbers ("102298404_1", "0012").
  sheet.getColumn(1).numFmt = '@';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function ppCell(value: string | null): string | number | null {
  if (value === null || value === '') return null;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * Validates one row of the template (header-keyed, case-insensitive); returns the problems when
 * invalid. With `priceOptional` (a SKU under price management) an empty price is null: the file takes
 * the managed product's price.
 */
export function parsePreorderRecord(values: Record<string, string>, options: { priceOptional?: boolean } = {}): { input?: PreorderInput; problems: string[] } {
  const problems: string[] = [];
  const get = (name: string) => (values[name.toLowerCase()] ?? '').trim();
  const sku = get('SKU');
  const model = get('model');
  if (!sku) problems.push('SKU is empty');
  if (!model) problems.push('model is empty');
  for (const field of ['SKU', 'model', 'brand']) {
    const bad = forbiddenCharacter(get(field));
    if (bad) problems.push(`${field} must not contain ${bad}`);
  }
  const price = options.priceOptional && get('price') === '' ? null : parseWhole(get('price'));
  if (price === undefined || (price !== null && price < 10)) problems.push(`price must be whole tenge ≥ 10, got "${get('price')}"`);
  const pp = [1, 2, 3, 4, 5].map((i) => {
    const text = get(`PP${i}`).toLowerCase();
    if (text === '') return null;
    const n = parseWhole(text);
    if (n !== undefined) return String(n);
    if (text === 'yes' || text === 'no') return text;
    problems.push(`PP${i} must be a stock number, yes or no, got "${get(`PP${i}`)}"`);
    return null;
  });
  const daysText = get('preorder');
  const days = daysText === '' ? 0 : parseWhole(daysText);
  if (days === undefined || days > 30) problems.push(`preorder must be days 0–30, got "${daysText}"`);
  if (problems.length > 0) return { problems };
  return { problems, input: { sku, model, brand: get('brand'), price: price as number | null, pp, preorderDays: days! } };
}

/** Whole numbers up to 12 digits (a 23-digit price would become 1.2e22, not the number typed). */
function parseWhole(text: string): number | undefined {
  return /^0*\d{1,12}(\.0+)?$/.test(text) ? Number(text) : undefined;
}
