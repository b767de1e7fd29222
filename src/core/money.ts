// Money is decimal: strings in TypeScript, numeric in SQL, integer minor units for arithmetic.

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Whether text is a plain decimal number (no exponent, no separators). */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Converts a decimal string to integer minor units with `scale` digits (e.g. "100.5", 2 → 10050n). */
export function toMinor(text: string, scale = 2): bigint {
  if (!DECIMAL.test(text)) throw new Error(`not a decimal: "${text}"`);
  const negative = text.startsWith('-');
  const [whole = '0', frac = ''] = (negative ? text.slice(1) : text).split('.');
  if (frac.length > scale && /[^0]/.test(frac.slice(scale))) throw new Error(`"${text}" has more than ${scale} decimal places`);
  const minor = BigInt(whole) * 10n ** BigInt(scale) + BigInt((frac + '0'.repeat(scale)).slice(0, scale) || '0');
  return negative ? -minor : minor;
}

/** Converts integer minor units back to a decimal string with exactly `scale` digits. */
export function fromMinor(minor: bigint, scale = 2): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const base = 10n ** BigInt(scale);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(scale, '0');
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${frac}` : ''}`;
}

/** Number of digits after the decimal point. */
export function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Compares two decimal strings: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const scale = Math.max(decimalPlaces(a), decimalPlaces(b));
  const x = toMinor(a, scale);
  const y = toMinor(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Normalises a numeric from the database or an API ("361788.0", 361788) to a canonical decimal string. */
export function normalizeDecimal(value: string | number, scale?: number): string {
  const text = typeof value === 'number' ? numberToDecimal(value) : value.trim();
  if (!DECIMAL.test(text)) throw new Error(`not a decimal: "${value}"`);
  if (scale !== undefined) return fromMinor(roundToMinor(text, scale), scale);
  if (!text.includes('.')) return text.replace(/^(-?)0+(?=\d)/, '$1');
  return text.replace(/\.?0+$/, '').replace(/^(-?)0+(?=\d)/, '$1');
}

function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  // Numbers from JSON APIs (Kaspi prices like 361788.0) are exact in their shortest form.
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

function roundToMinor(text: string, scale: number): bigint {
  const places = decimalPlaces(text);
  if (places <= scale) return toMinor(text, scale);
  const exact = toMinor(text, places);
  const factor = 10n ** BigInt(places - scale);
  const half = factor / 2n;
  const abs = exact < 0n ? -exact : exact;
  const rounded = (abs + half) / factor;
  return exact < 0n ? -rounded : rounded;
}

/** Formats a whole amount with thin thousands separators: 1234567 → "1 234 567". */
export function formatThousands(value: string | number, separator = ' '): string {
  const text = typeof value === 'number' ? String(value) : value;
  const [whole = '', frac] = text.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return `${sign}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}
