// Text files a seller saves: Excel in a Russian or Kazakh locale writes CSV in cp1251 (Windows
// Cyrillic), "CSV UTF-8" with a BOM, "Unicode text" as UTF-16 with a BOM; other tools write UTF-8
// without one. Bytes that are valid UTF-8 are read as UTF-8 (cp1251 Cyrillic almost never is),
// anything else as cp1251; `--encoding` overrides the guess.
import { UsageError, UserError } from './errors.js';

export const TEXT_ENCODINGS = ['auto', 'utf8', 'cp1251'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

const ALIASES: Record<string, TextEncoding> = {
  auto: 'auto',
  utf8: 'utf8',
  'utf-8': 'utf8',
  cp1251: 'cp1251',
  'windows-1251': 'cp1251',
  win1251: 'cp1251',
  1251: 'cp1251',
};

/** `--encoding <name>`: auto (default), utf8 (utf-8) or cp1251 (windows-1251); a usage error otherwise. */
export function parseTextEncoding(text: string | undefined): TextEncoding {
  if (text === undefined) return 'auto';
  const found = ALIASES[text.trim().toLowerCase()];
  if (!found) throw new UsageError('BAD_ENCODING', `--encoding must be auto, utf8 or cp1251, got "${text}"`);
  return found;
}

export interface DecodedText {
  text: string;
  /** What the bytes were read as. */
  encoding: 'utf8' | 'utf16le' | 'utf16be' | 'cp1251';
}

/** Decodes a file's bytes (a BOM is dropped); `name` is the file, for the error message. */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding = 'auto', name = 'the file'): DecodedText {
  const starts = (...b: number[]) => b.every((v, i) => bytes[i] === v);
  if (encoding === 'cp1251') return { text: new TextDecoder('windows-1251').decode(bytes), encoding: 'cp1251' };
  if (starts(0xef, 0xbb, 0xbf)) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf8' };
  if (encoding === 'auto' && starts(0xff, 0xfe)) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf16le' };
  if (encoding === 'auto' && starts(0xfe, 0xff)) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf8' };
  } catch {
    if (encoding === 'utf8') {
      throw new UserError('FILE_NOT_UTF8', `${name} is not UTF-8 text; for a file saved by Excel in a Russian locale add --encoding cp1251`);
    }
    return { text: new TextDecoder('windows-1251').decode(bytes), encoding: 'cp1251' };
  }
}
