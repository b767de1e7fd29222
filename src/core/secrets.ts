import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectories } from './dirs.js';
import { UserError } from './errors.js';

const VERSION = 'v1';

/**
 * The 32-byte key that encrypts secrets at rest: MP_SECRET_KEY (64 hex chars or base64 of 32 bytes),
 * else `<home>/secret.key`, created with mode 0600 on first use.
 */
export function loadSecretKey(home: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.MP_SECRET_KEY;
  if (fromEnv) return decodeKey(fromEnv, 'MP_SECRET_KEY');
  const path = join(home, 'secret.key');
  if (existsSync(path)) return decodeKey(readFileSync(path, 'utf8').trim(), path);
  makeDirectories(home, 'MP_HOME (--home)', 0o700);
  const key = randomBytes(32);
  try {
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    // Another process created it first: use theirs.
    return decodeKey(readFileSync(path, 'utf8').trim(), path);
  }
  chmodSync(path, 0o600);
  return key;
}

function decodeKey(text: string, where: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new UserError(
      'SECRET_KEY_INVALID',
      `the secret key in ${where} must be 32 bytes (64 hex characters or base64); generate one with: openssl rand -hex 32`,
    );
  }
  return key;
}

/** AES-256-GCM: returns `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encryptSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
}

export function decryptSecret(sealed: string, key: Buffer): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) {
    throw new UserError('SECRET_CORRUPT', 'a stored secret is not in a format mp knows; add it again');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new UserError('SECRET_KEY_MISMATCH', 'a stored secret cannot be decrypted with this secret key: check MP_SECRET_KEY or <home>/secret.key', { cause });
  }
}

/** Shows only the last four characters: `****abcd`. */
export function maskSecret(secret: string | null | undefined, visible = 4): string {
  if (!secret) return '';
  if (secret.length <= visible) return '****';
  return `****${secret.slice(-visible)}`;
}
