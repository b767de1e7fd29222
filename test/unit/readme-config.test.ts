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

  it('names the patterned settings (one per WB host, one per scheduled job)', () => {
    expect(readme).toContain('MP_WB_<HOST>_URL');
    expect(readme).toContain('`wb.hosts.<host>`');
    expect(readme).toContain('`schedule.<job>`');
  });
});
