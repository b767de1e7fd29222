import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/log.js';
import { Output } from '../../src/core/output.js';
import { decryptSecret, encryptSecret, maskSecret } from '../../src/core/secrets.js';
import { readSetting } from '../../src/core/settings.js';
import { colorEnabled, displayWidth } from '../../src/core/terminal.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    stream: {
      isTTY,
      columns: 80,
      write: (s: string) => {
        chunks.push(s);
        return true;
      },
    },
  };
}

const rows = [
  { sku: 'A-1', price: '1500', note: 'tab\there' },
  { sku: 'B-22', price: '99', note: null },
];
const columns = [{ key: 'sku', header: 'SKU' }, { key: 'price', align: 'right' as const }, { key: 'note' }];

describe('Output', () => {
  it('renders an aligned table on a terminal', () => {
    const { chunks, stream } = sink(true);
    new Output({ stream, env: { NO_COLOR: '1' } }).list(rows, columns);
    expect(chunks.join('')).toBe('SKU   PRICE  NOTE\nA-1    1500  tab\there\nB-22     99  -\n');
  });

  it('fits a terminal: secondary columns go first, then free text is cut in the middle; piped output is never cut', () => {
    const long = [
      { id: '113137790', name: 'Смартфон Apple iPhone 15 128Gb черный, очень длинное название товара', city: 'Алматы', min: '378 990 ₸' },
      { id: '100412340', name: 'Отвертка Bosch GO 2', city: 'Астана', min: '34 990 ₸' },
    ];
    const cols = [{ key: 'id' }, { key: 'name', shrink: true }, { key: 'city', optional: true }, { key: 'min', align: 'right' as const }];
    const table = (width: number) => {
      const { chunks, stream } = sink(true);
      stream.columns = width;
      new Output({ stream, env: { NO_COLOR: '1' } }).list(long, cols);
      return chunks.join('').trimEnd().split('\n');
    };
    const wide = table(200);
    expect(wide[1]).toBe(`113137790  ${long[0]!.name}  Алматы  378 990 ₸`);
    // Too narrow for everything: the optional city goes before any name is cut; then the name is cut
    // in the middle, keeping its end.
    const fifty = table(50);
    for (const line of fifty) expect(displayWidth(line), line).toBeLessThanOrEqual(50);
    expect(fifty[0]).toMatch(/^ID +NAME +MIN$/);
    expect(fifty[1]).toBe('113137790  Смартфон A…е название товара  378 990 ₸');
    expect(fifty[2]).toBe('100412340  Отвертка Bosch GO 2            34 990 ₸');
    // Too narrow even for 12 characters of the name: the table is as narrow as it can be (the terminal wraps it).
    expect(table(20)[1]).toBe('113137790  Смар…товара   378 990 ₸');
    // A column's own cap holds however wide the terminal is.
    const capped = sink(true);
    capped.stream.columns = 200;
    new Output({ stream: capped.stream, env: { NO_COLOR: '1' } }).list(long, [{ key: 'id' }, { key: 'name', shrink: true, max: 20 }]);
    expect(capped.chunks[1]).toBe('113137790  Смартфо…вание товара\n');
    expect(capped.chunks[2]).toBe('100412340  Отвертка Bosch GO 2\n');
    // The same rows piped: every column, every character.
    const piped = sink(false);
    new Output({ stream: piped.stream, env: {} }).list(long, cols);
    expect(piped.chunks[0]).toBe(`113137790\t${long[0]!.name}\tАлматы\t378 990 ₸\n`);
  });

  it('prints tab-separated lines with escapes and no header when piped', () => {
    const { chunks, stream } = sink(false);
    new Output({ stream, env: {} }).list(rows, columns);
    expect(chunks.join('')).toBe('A-1\t1500\ttab\\there\nB-22\t99\t\n');
  });

  it('prints one JSON document with --json', () => {
    const { chunks, stream } = sink(true);
    new Output({ stream, json: true, env: {} }).list(rows, columns);
    expect(JSON.parse(chunks.join(''))).toEqual(rows);
  });

  it('honours NO_COLOR and FORCE_COLOR', () => {
    expect(colorEnabled({ isTTY: true, write: () => true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true, write: () => true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false, write: () => true }, { FORCE_COLOR: '1' })).toBe(true);
    const { chunks, stream } = sink(true);
    new Output({ stream, env: { FORCE_COLOR: '1' } }).list(rows.slice(0, 1), columns);
    expect(chunks[0]).toContain('\u001b[1m');
  });
});

describe('logger', () => {
  it('writes JSON lines when stderr is not a terminal and redacts secrets', () => {
    const { chunks, stream } = sink(false);
    const log = createLogger({ stream, now: () => new Date('2026-11-21T00:00:00Z') });
    log.info('synced', { rows: 3, token: 'abc' });
    log.debug('hidden');
    expect(chunks).toHaveLength(1);
    expect(JSON.parse(chunks[0]!)).toEqual({ time: '2026-11-21T00:00:00.000Z', level: 'info', msg: 'synced', rows: 3, token: '[redacted]' });
  });

  it('writes plain text on a terminal and respects --quiet', () => {
    const { chunks, stream } = sink(true);
    const log = createLogger({ stream, quiet: true, env: { NO_COLOR: '1' } });
    log.info('not shown');
    log.warn('careful');
    expect(chunks).toEqual(['warning: careful\n']);
  });
});

describe('secrets', () => {
  const key = Buffer.alloc(32, 7);
  it('round-trips with AES-256-GCM and detects tampering', () => {
    const sealed = encryptSecret('wb-token-123456', key);
    expect(sealed).not.toContain('wb-token');
    expect(decryptSecret(sealed, key)).toBe('wb-token-123456');
    expect(() => decryptSecret(sealed, Buffer.alloc(32, 8))).toThrow(/cannot be decrypted/);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('xxxxxxxx').toString('base64url');
    expect(() => decryptSecret(parts.join('.'), key)).toThrow();
  });

  it('masks all but the last four characters', () => {
    expect(maskSecret('eyJhbGciOiJFUzI1NiJ9abcd')).toBe('****abcd');
    expect(maskSecret('abc')).toBe('****');
    expect(maskSecret('')).toBe('');
  });
});

describe('config', () => {
  it('prefers flags over environment over defaults', () => {
    const env = { MP_HOME: '/tmp/from-env', DATABASE_URL: 'postgres://env/db', MP_KASPI_URL: 'http://127.0.0.1:1' };
    const config = resolveConfig({ home: '/tmp/from-flag' }, env);
    expect(config.home).toBe('/tmp/from-flag');
    expect(config.databaseUrl).toBe('postgres://env/db');
    expect(config.lockTimeoutMs).toBe(30_000);
    expect(readSetting(config, 'kaspi.baseUrl')).toBe('http://127.0.0.1:1');
    expect(readSetting(config, 'wb.url')).toBeUndefined();
  });

  it('uses XDG_DATA_HOME for the default home and rejects a bad duration', () => {
    expect(resolveConfig({}, { XDG_DATA_HOME: '/tmp/xdg' }).home).toBe('/tmp/xdg/mp');
    expect(() => resolveConfig({ lockTimeout: 'soon' }, {})).toThrow(/--lock-timeout must be a duration/);
  });
});
