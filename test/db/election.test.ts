// Who owns the embedded database is decided by src/db/embedded/election.ts. Many processes started
// at the same instant contend again and again (each owner holds it briefly, then closes: the next
// round takes over a dead generation, as after a kill -9): never two owners at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const election = fileURLToPath(new URL('../../dist/src/db/embedded/election.js', import.meta.url));

// Each contender: wait for the common start time, then claim until it has owned the database once
// (or `rounds` times), logging "+pid" when it wins and "-pid" before it lets go.
const contender = `
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
const { claimOwnership, runPaths } = await import(process.env.ELECTION);
const [dataDir, log, startAt, holdMs] = process.argv.slice(1);
const paths = runPaths(dataDir);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
for (let won = 0; won < 1; ) {
  const owned = await claimOwnership(paths, createServer((s) => s.destroy()));
  if (!owned) { await new Promise((r) => setTimeout(r, 2 + Math.random() * 8)); continue; }
  won++;
  appendFileSync(log, '+' + process.pid + '\\n');
  await new Promise((r) => setTimeout(r, Number(holdMs)));
  appendFileSync(log, '-' + process.pid + '\\n');
  await new Promise((r) => owned.server.close(r));
}
`;

function runContenders(n: number, dataDir: string, log: string, holdMs: number): Promise<void> {
  const startAt = Date.now() + 1500;
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--input-type=module', '-e', contender, dataDir, log, String(startAt), String(holdMs)], {
      env: { ...process.env, ELECTION: election },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  return Promise.all(
    children.map(
      (c) => new Promise<void>((resolve, reject) => c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`contender exited ${code}`))))),
    ),
  ).then(() => {});
}

describe.skipIf(process.platform === 'win32')('embedded database ownership', () => {
  it('12 processes started at the same instant: one owner at a time, and every one owns it in turn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-election-'));
    try {
      const log = join(dir, 'owners.log');
      for (let trial = 0; trial < 3; trial++) {
        rmSync(log, { force: true });
        await runContenders(12, join(dir, 'db'), log, 30);
        const events = readFileSync(log, 'utf8').trim().split('\n');
        expect(events).toHaveLength(24);
        // Strictly "+a -a +b -b …": nobody won while another held it.
        for (let i = 0; i < events.length; i += 2) {
          expect(events[i]!.startsWith('+'), `trial ${trial}: ${events.join(' ')}`).toBe(true);
          expect(events[i + 1], `trial ${trial}: ${events.join(' ')}`).toBe(`-${events[i]!.slice(1)}`);
        }
        expect(new Set(events).size).toBe(24);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
