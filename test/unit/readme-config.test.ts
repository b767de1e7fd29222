// docs/configuration.md promises every environment variable and config key. Every entry of the settings
// table (src/core/settings.ts) must have a row there naming its variable, its config key and its
// default; and any `setting(config, 'key', 'ENV', …)` call left in src/ must be documented too, so a new
// setting without documentation fails here.
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

/** Config key and env variable of every `setting(…)` / `numberSetting(…)` call with literal names. */
function settingsInSource(): Array<{ key: string; env?: string; file: string }> {
  const found: Array<{ key: string; env?: string; file: string }> = [];
  const call = /\b(?:setting|numberSetting)\(\s*[\w.]+\s*,\s*'([^']+)'\s*(?:,\s*'([A-Z0-9_]+)')?/g;
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) found.push({ key: m[1]!, env: m[2], file: file.slice(root.length + 1) });
  }
  return found;
}

describe('docs/configuration.md documents the configuration', () => {
  const readme = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
  const settings = settingsInSource();

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

  it('names every environment variable and config key still read through setting()', () => {
    const missing = settings.flatMap((s) => [
      ...(s.env && !readme.includes(`\`${s.env}\``) ? [`${s.env} (${s.file})`] : []),
      ...(!readme.includes(`\`${s.key}\``) ? [`config key ${s.key} (${s.file})`] : []),
    ]);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('names the patterned settings (one per WB host, one per scheduled job)', () => {
    expect(readme).toContain('MP_WB_<HOST>_URL');
    expect(readme).toContain('`wb.hosts.<host>`');
    expect(readme).toContain('`schedule.<job>`');
  });
});
