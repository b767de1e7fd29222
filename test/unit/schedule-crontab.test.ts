// crontab.example is what a seller copies: every line must name a real job with a valid cron
// expression, and the file must carry the environment cron does not provide.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCrontab } from '../../src/schedule/crontab.js';
import { listJobs } from '../../src/schedule/registry.js';
import { isValidCron } from '../../src/schedule/schedule-config.js';

const text = readFileSync(new URL('../../crontab.example', import.meta.url), 'utf8');

describe('crontab.example', () => {
  const crontab = parseCrontab(text);

  it('sets the environment a cron job needs', () => {
    expect(crontab.env.PATH).toMatch(/\/usr\/bin/);
    expect(Object.keys(crontab.env)).toEqual(expect.arrayContaining(['PATH', 'DATABASE_URL', 'MP_HOME']));
  });

  it('names a real job with a valid five-field cron expression on every line, logging to a file', async () => {
    const jobs = new Set((await listJobs()).map((j) => j.name));
    expect(crontab.entries.length).toBeGreaterThan(0);
    for (const entry of crontab.entries) {
      expect(entry.job, `line ${entry.line} calls mp jobs run <job>`).toBeDefined();
      expect(jobs.has(entry.job!), `line ${entry.line}: ${entry.job} is a job`).toBe(true);
      expect(await isValidCron(entry.expression), `line ${entry.line}: "${entry.expression}"`).toBe(true);
      expect(entry.command, `line ${entry.line} appends its output to a log`).toMatch(/>>\s*\S+\.log 2>&1$/);
    }
  });

  it('schedules every job, at the daemon default when that is a cron expression', async () => {
    for (const job of await listJobs()) {
      const lines = crontab.entries.filter((e) => e.job === job.name);
      expect(lines.length, `${job.name} has a line`).toBeGreaterThan(0);
      if (job.defaultSchedule !== 'continuous') expect(lines.map((l) => l.expression)).toContain(job.defaultSchedule);
    }
  });

  it('rejects what cron would not run', async () => {
    expect(await isValidCron('*/15 * * * *')).toBe(true);
    expect(await isValidCron('*/15 * * *')).toBe(false);
    expect(await isValidCron('*/1 * * * * *')).toBe(false);
    expect(await isValidCron('61 * * * *')).toBe(false);
    const parsed = parseCrontab('# c\nFOO="a b"\n*/5 * * * * cd /x && mp jobs run wb.sync >>/l/wb.log 2>&1\n');
    expect(parsed).toEqual({
      env: { FOO: 'a b' },
      entries: [{ line: 3, expression: '*/5 * * * *', command: 'cd /x && mp jobs run wb.sync >>/l/wb.log 2>&1', job: 'wb.sync' }],
    });
  });
});
