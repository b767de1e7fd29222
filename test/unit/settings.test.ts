// The settings table: one reader for flags, environment and config file, each value checked the same way.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import { allSettings, flagHelp, namedSettingEnv, readNamedSetting, readSetting, settingDefaultText } from '../../src/core/settings.js';
import { currentUser } from '../../src/core/user.js';
import { jobSchedule } from '../../src/schedule/schedule-config.js';

function config(env: Record<string, string> = {}, file: Record<string, unknown> = {}, filePath?: string): Config {
  return { home: '/home/u/.mp', lockTimeoutMs: 30_000, file, filePath, env };
}

function refusal(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a usage error');
}

describe('readSetting', () => {
  it('takes the flag, then the environment, then the config file, then the default', () => {
    expect(readSetting(config(), 'kaspi.rate')).toBe(4);
    expect(readSetting(config({}, { kaspi: { rate: 2 } }), 'kaspi.rate')).toBe(2);
    expect(readSetting(config({ MP_KASPI_RATE: '3' }, { kaspi: { rate: 2 } }), 'kaspi.rate')).toBe(3);
    expect(readSetting(config({ MP_KASPI_RATE: '3' }), 'kaspi.rate', { value: '1.5', flag: '--rate' })).toBe(1.5);
    // An empty variable is unset; an absent flag is not given.
    expect(readSetting(config({ MP_KASPI_RATE: '' }), 'kaspi.rate', { value: undefined, flag: '--rate' })).toBe(4);
  });

  it('MP_KASPI_RATE=abc is a usage error naming the variable and the accepted form (it used to turn the limit off)', () => {
    const e = refusal(() => readSetting(config({ MP_KASPI_RATE: 'abc' }), 'kaspi.rate'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('MP_KASPI_RATE must be a number from 0 to 1000, got "abc"');
  });

  it('MP_KASPI_CONCURRENCY=abc is a usage error (it used to be exit 70), as are 0 and 2.5', () => {
    for (const bad of ['abc', '0', '2.5', '65']) {
      const e = refusal(() => readSetting(config({ MP_KASPI_CONCURRENCY: bad }), 'kaspi.concurrency'));
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain('MP_KASPI_CONCURRENCY must be a whole number from 1 to 64');
    }
    expect(readSetting(config({ MP_KASPI_CONCURRENCY: '8' }), 'kaspi.concurrency')).toBe(8);
  });

  it('names the flag or the config key (and file) that was wrong', () => {
    expect(refusal(() => readSetting(config(), 'kaspi.rate', { value: '-1', flag: '--rate' })).message).toMatch(/^--rate must be a number from 0 to 1000/);
    expect(refusal(() => readSetting(config({}, { kaspi: { concurrency: 'x' } }, '/etc/mp.json'), 'kaspi.concurrency')).message).toMatch(
      /^kaspi\.concurrency in \/etc\/mp\.json must be a whole number/,
    );
  });

  it('reads lists from comma-separated text or a JSON array, each item checked', () => {
    expect(readSetting(config({ MP_KASPI_PROXIES: 'http://a:1, http://u:p@b:2,' }), 'kaspi.proxies')).toEqual(['http://a:1', 'http://u:p@b:2']);
    expect(readSetting(config({}, { kaspi: { proxies: ['http://a:1'] } }), 'kaspi.proxies')).toEqual(['http://a:1']);
    expect(readSetting(config(), 'kaspi.proxies')).toEqual([]);
    expect(refusal(() => readSetting(config({ MP_KASPI_PROXIES: 'http://a:1,nope' }), 'kaspi.proxies')).message).toMatch(
      /^MP_KASPI_PROXIES item 2 must be a URL/,
    );
    expect(readSetting(config(), 'kaspi.proxies', { value: ['http://c:3'], flag: '--proxy' })).toEqual(['http://c:3']);
  });

  it('reads durations, enums, booleans, URLs and computed defaults', () => {
    expect(readSetting(config({ MP_NOTIFY_LEASE: '2m' }), 'notify.lease')).toBe(120_000);
    expect(readSetting(config(), 'notify.lease')).toBe(600_000);
    expect(refusal(() => readSetting(config({ MP_NOTIFY_LEASE: '500ms' }), 'notify.lease')).message).toMatch(/^MP_NOTIFY_LEASE must be from 1s/);
    expect(readSetting(config({ MP_DEMPER_VIA: 'XML' }), 'demper.via')).toBe('xml');
    expect(refusal(() => readSetting(config({ MP_DEMPER_VIA: 'fax' }), 'demper.via')).message).toMatch(/^MP_DEMPER_VIA must be one of api, xml/);
    expect(readSetting(config({ MP_SERVE_TLS_PROXY: 'true' }), 'serve.tlsProxy')).toBe(true);
    expect(readSetting(config({}, { serve: { tlsProxy: false } }), 'serve.tlsProxy')).toBe(false);
    expect(readSetting(config({ MP_KASPI_URL: 'http://127.0.0.1:9/' }), 'kaspi.baseUrl')).toBe('http://127.0.0.1:9');
    expect(refusal(() => readSetting(config({ MP_KASPI_URL: 'kaspi' }), 'kaspi.baseUrl')).message).toMatch(/^MP_KASPI_URL must be a URL/);
    expect(readSetting(config(), 'kaspi.exportDir')).toBe('/home/u/.mp/export');
    expect(readSetting(config(), 'wb.url')).toBeUndefined();
  });

  it('never shows a secret in its message', () => {
    const e = refusal(() => readSetting(config({ MP_KASPI_FEED_PASSWORD: 'short-pass' }), 'kaspi.feed.password'));
    expect(e.message).toContain('MP_KASPI_FEED_PASSWORD');
    expect(e.message).not.toContain('short-pass');
  });
});

describe('patterned settings: schedule.<job> / MP_SCHEDULE_<JOB>', () => {
  const job = { name: 'kaspi.scrape', description: '', defaultSchedule: '*/15 * * * *', run: async () => ({}) } as never;

  it('reads one member by name: the variable, then the config file (flat or nested), else undefined', () => {
    expect(namedSettingEnv('schedule.<job>', 'kaspi.scrape')).toBe('MP_SCHEDULE_KASPI_SCRAPE');
    expect(readNamedSetting(config(), 'schedule.<job>', 'kaspi.scrape')).toBeUndefined();
    expect(readNamedSetting(config({ MP_SCHEDULE_KASPI_SCRAPE: ' */5 * * * * ' }), 'schedule.<job>', 'kaspi.scrape')).toBe('*/5 * * * *');
    expect(readNamedSetting(config({}, { schedule: { 'kaspi.scrape': 'off' } }), 'schedule.<job>', 'kaspi.scrape')).toBe('off');
    expect(readNamedSetting(config({}, { schedule: { kaspi: { scrape: 'continuous' } } }), 'schedule.<job>', 'kaspi.scrape')).toBe('continuous');
    expect(readNamedSetting(config({ MP_SCHEDULE_KASPI_SCRAPE: 'off' }, { schedule: { 'kaspi.scrape': '* * * * *' } }), 'schedule.<job>', 'kaspi.scrape')).toBe(
      'off',
    );
    // Another job's variable is not this one's.
    expect(readNamedSetting(config({ MP_SCHEDULE_WB_SYNC: 'off' }), 'schedule.<job>', 'kaspi.scrape')).toBeUndefined();
  });

  it('a bad value is a usage error naming the variable or the config key and file it came from', () => {
    const e = refusal(() => readNamedSetting(config({ MP_SCHEDULE_KASPI_SCRAPE: '61 * * * *' }), 'schedule.<job>', 'kaspi.scrape'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('MP_SCHEDULE_KASPI_SCRAPE must be a cron expression like */15 * * * * (five fields), continuous or off, got "61 * * * *"');
    expect(refusal(() => readNamedSetting(config({}, { schedule: { 'kaspi.scrape': 5 } }, '/etc/mp.json'), 'schedule.<job>', 'kaspi.scrape')).message).toMatch(
      /^schedule\.kaspi\.scrape in \/etc\/mp\.json must be a cron expression/,
    );
  });

  it('a patterned setting is not read without a name, nor a plain one with a name', () => {
    expect(() => readSetting(config(), 'schedule.<job>' as never)).toThrow(RangeError);
    expect(() => readNamedSetting(config(), 'kaspi.rate' as never, 'x')).toThrow(RangeError);
  });

  it('jobSchedule takes the setting, else the job’s own default', async () => {
    expect(await jobSchedule(config(), job)).toEqual({ kind: 'cron', expression: '*/15 * * * *' });
    expect(await jobSchedule(config({ MP_SCHEDULE_KASPI_SCRAPE: 'off' }), job)).toEqual({ kind: 'off' });
    await expect(jobSchedule(config({}, { schedule: { kaspi: { scrape: '* * *' } } }), job)).rejects.toThrow(/^schedule\.kaspi\.scrape must be a cron/);
  });
});

describe('MP_USER and MP_EXTRA_JOBS through the table', () => {
  it('MP_USER is the user (checked as text), else the OS user; the config file does not set it', () => {
    expect(currentUser(config({ MP_USER: 'alice' }))).toBe('alice');
    expect(currentUser(config({}, { user: 'mallory' }))).not.toBe('mallory');
    expect(refusal(() => currentUser(config({ MP_USER: 'a\u0000b' }))).message).toMatch(/^MP_USER /);
    expect(refusal(() => currentUser(config({ MP_USER: 'x'.repeat(201) }))).message).toMatch(/^MP_USER /);
  });

  it('MP_EXTRA_JOBS / jobs.extra is a list of module paths', () => {
    expect(readSetting(config(), 'jobs.extra')).toEqual([]);
    expect(readSetting(config({ MP_EXTRA_JOBS: '/a.js,,/b.js' }), 'jobs.extra')).toEqual(['/a.js', '/b.js']);
    expect(readSetting(config({}, { jobs: { extra: ['/c.js'] } }), 'jobs.extra')).toEqual(['/c.js']);
  });
});

describe('the table', () => {
  it('has one entry per environment variable and config key', () => {
    const envs = allSettings().flatMap((s) => (s.env ? [s.env] : []));
    expect(new Set(envs).size).toBe(envs.length);
  });

  it('gives every default to help text', () => {
    expect(settingDefaultText('kaspi.rate')).toBe('4');
    expect(settingDefaultText('notify.lease')).toBe('10m');
    expect(flagHelp('kaspi.concurrency', 'products at once')).toBe('products at once (default 4; MP_KASPI_CONCURRENCY)');
  });

  it('every default passes its own parser', () => {
    const c = config();
    for (const s of allSettings()) {
      if (s.default === undefined) continue;
      const value = typeof s.default === 'function' ? (s.default as (c: Config) => unknown)(c) : s.default;
      const raw = Array.isArray(value) ? value.join(',') : String(value);
      if (Array.isArray(value) && value.length === 0) continue;
      // Durations are stored in ms; their text is the doc default.
      const text = s.defaultText && /^\d+[a-z]+$/.test(s.defaultText) ? s.defaultText : raw;
      expect(() => s.parser.parse(text, s.key), s.key).not.toThrow();
    }
  });
});
