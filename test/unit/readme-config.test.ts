// docs/configuration.md promises every environment variable and config key. Every entry of the settings
// table (src/core/settings.ts) must have a row there naming its variable, its config key and its
// default, so a new setting without documentation fails here. Nothing in src/ reads a setting around
// the table (the old stringly `setting(config, 'key', 'ENV')` helper is gone).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSettings, configPath, settingDefaultText } from '../../src/core/settings.js';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Calls like `setting(config, 'kaspi.rate', 'MP_KASPI_RATE')` / `numberSetting(…)`: settings read around the table. */
function settingsAroundTheTable(): string[] {
  const found: string[] = [];
  const call = /\b(?:setting|numberSetting)\(\s*[\w.]+\s*,\s*'([^']+)'/g;
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) found.push(`${file.slice(root.length + 1)}: ${m[1]}`);
  }
  return found;
}

/**
 * The variables src/ may read around the table, each for a reason docs/configuration.md and the head
 * of src/core/settings.ts give: where the config and database are, the secret key, secrets a script
 * hands to one command, and the terminal's and system's conventions.
 */
const READ_OUTSIDE_THE_TABLE = [
  'DATABASE_URL',
  'MP_HOME',
  'MP_CONFIG',
  'MP_LOCK_TIMEOUT',
  'MP_SECRET_KEY',
  'WB_TOKEN',
  'MP_KASPI_PASSWORD',
  'MP_TELEGRAM_BOT_TOKEN',
  'NO_COLOR',
  'FORCE_COLOR',
  'TERM',
  'COLUMNS',
  'XDG_DATA_HOME',
];

/** `env.MP_X`, `env?.MP_X`, `env['MP_X']` read in src/ (not the demo and the fakes, which build a child's environment). */
function variablesReadInSrc(): Map<string, string> {
  const found = new Map<string, string>();
  const read = /\benv\??\.([A-Z][A-Z0-9_]+)\b|\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g;
  for (const file of sourceFiles(join(root, 'src'))) {
    const name = file
      .slice(root.length + 1)
      .split('\\')
      .join('/');
    if (name.startsWith('src/demo/') || name.startsWith('src/fakes/')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(read)) found.set(m[1] ?? m[2]!, name);
  }
  return found;
}

describe('docs/configuration.md documents the configuration', () => {
  const readme = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');

  it('has a row for every entry of the settings table: its variable, config key and default', () => {
    const rows = readme.split('\n').filter((line) => line.startsWith('|'));
    const missing: string[] = [];
    for (const s of allSettings()) {
      // The WB hosts are one patterned row.
      if (s.key.startsWith('wb.hosts.')) continue;
      const path = configPath(s.key);
      const row = rows.find((r) => (s.env ? r.includes(`\`${s.env}\``) : true) && (path ? r.includes(`\`${path}\``) : true));
      if (!row) {
        missing.push(`${s.key} (${s.env ?? 'no variable'})`);
        continue;
      }
      const def = settingDefaultText(s.key);
      if (def !== undefined && !row.split('|')[3]!.replace(/`/g, '').includes(def)) missing.push(`${s.key}: default ${def}`);
    }
    expect(missing).toEqual([]);
  });

  it('nothing in src/ reads a setting around the table', () => {
    expect(settingsAroundTheTable()).toEqual([]);
  });

  it('nothing in src/ reads an environment variable around the table but the few documented ones', () => {
    const around = [...variablesReadInSrc()].filter(([v]) => !READ_OUTSIDE_THE_TABLE.includes(v)).map(([v, file]) => `${file}: ${v}`);
    expect(around).toEqual([]);
    for (const v of READ_OUTSIDE_THE_TABLE) expect(readme, v).toContain(`\`${v}\``);
  });

  it('names the patterned settings (one per WB host, one per scheduled job)', () => {
    expect(readme).toContain('MP_WB_<HOST>_URL');
    expect(readme).toContain('`wb.hosts.<host>`');
    expect(readme).toContain('`schedule.<job>`');
  });
});
