// `mp demo` end to end, as a user runs it after `npm install`: exit 0 within two minutes, every
// section shown, the XLSX files it names written, and its throw-away home gone.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMp } from '../support/cli.js';
import { testEngine } from '../support/db.js';

// The demo always uses its own embedded database: one run (on the PGlite pass) is enough.
describe.skipIf(testEngine !== 'pglite')('mp demo', () => {
  it('runs a full cycle against the fake servers, keeps only the files it names, exits 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mp-demo-test-out-'));
    // A home left by a demo that was killed: the next demo removes it (its process is gone).
    const abandoned = mkdtempSync(join(tmpdir(), 'mp-demo-'));
    writeFileSync(join(abandoned, 'demo.pid'), '999999999');
    const homesBefore = new Set(readdirSync(tmpdir()).filter((d) => d.startsWith('mp-demo-') && !d.startsWith('mp-demo-test-')));
    try {
      const started = Date.now();
      const r = await runMp(['demo', '--out', out], { timeoutMs: 170_000, env: { DATABASE_URL: '', MP_HOME: join(out, 'never-used') } });
      const seconds = (Date.now() - started) / 1000;
      expect(r.code, r.stderr).toBe(0);
      expect(seconds).toBeLessThan(120);
      for (const title of ['== Kaspi', '== Wildberries', '== Kaspi repricing', '== Payouts', '== Export to Excel', '== Scheduled jobs']) {
        expect(r.stdout).toContain(title);
      }
      expect(r.stdout).toContain('$ mp jobs run kaspi.scrape');
      expect(r.stdout).toMatch(/kaspi\.scrape\t\tsucceeded\ttracked=3 scraped=3 changed=1/);
      expect(r.stdout).toMatch(/wb\.notify\t\tsucceeded\t.*sent=[1-9]/);
      expect(r.stdout).toContain('✉');
      expect(r.stdout).toMatch(/UNDERCUT/);
      expect(r.stdout).toMatch(/payouts\.process\t\tsucceeded\tclaimed=3 completed=3/);
      expect(r.stderr).not.toContain('not included');
      // The files it says it wrote are real XLSX files (zip archives); nothing else is left in --out.
      const files = ['kaspi-offers.xlsx', 'payouts.xlsx'].map((f) => join(out, f));
      expect(r.stderr).toContain(`The demo wrote: ${files.join(', ')}`);
      for (const f of files) expect(readFileSync(f).subarray(0, 2).toString()).toBe('PK');
      expect(readdirSync(out).sort()).toEqual(['kaspi-offers.xlsx', 'payouts.xlsx']);
      expect(existsSync(join(out, 'never-used'))).toBe(false);
      // Its throw-away home is gone.
      const homesAfter = readdirSync(tmpdir()).filter((d) => d.startsWith('mp-demo-') && !d.startsWith('mp-demo-test-') && !homesBefore.has(d));
      expect(homesAfter).toEqual([]);
      expect(existsSync(abandoned)).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
