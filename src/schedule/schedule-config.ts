// Where each job's schedule comes from: MP_SCHEDULE_<JOB> > config file `schedule` > the job's default.
import type { Config } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { configFileValue, readSetting } from '../core/settings.js';
import { CONTINUOUS, type JobDefinition } from './registry.js';

/** A job's schedule: a cron expression, `continuous` (worker loop) or `off`. */
export type Schedule = { kind: 'cron'; expression: string } | { kind: 'continuous' } | { kind: 'off' };

export const OFF = 'off';

/** `kaspi.scrape` → `MP_SCHEDULE_KASPI_SCRAPE`. */
export function scheduleEnvName(job: string): string {
  return `MP_SCHEDULE_${job.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** The configured schedule text of a job (not yet validated). */
export function scheduleText(config: Config, job: JobDefinition): string {
  const fromEnv = config.env[scheduleEnvName(job.name)];
  if (fromEnv) return fromEnv.trim();
  const section = config.file.schedule;
  if (section && typeof section === 'object') {
    // Both `{"schedule": {"kaspi.scrape": "…"}}` and `{"schedule": {"kaspi": {"scrape": "…"}}}`.
    const flat = (section as Record<string, unknown>)[job.name];
    if (typeof flat === 'string') return flat.trim();
    const nested = configFileValue(config, `schedule.${job.name}`);
    if (nested !== undefined && nested !== '') return String(nested).trim();
  }
  return job.defaultSchedule;
}

/** Parses and validates a job's schedule; a bad expression is a usage error naming where it came from. */
export async function jobSchedule(config: Config, job: JobDefinition): Promise<Schedule> {
  const text = scheduleText(config, job);
  if (text === OFF) return { kind: 'off' };
  if (text === CONTINUOUS) return { kind: 'continuous' };
  if (!(await isValidCron(text, { allowSeconds: true }))) {
    throw new UsageError('SCHEDULE_INVALID', `the schedule of ${job.name} is not a valid cron expression: "${text}"`, {
      hint: `fix ${scheduleEnvName(job.name)} or "schedule" in the config file; use five fields like */15 * * * *, "continuous" or "off"`,
    });
  }
  return { kind: 'cron', expression: text };
}

/** The time zone cron expressions are read in: MP_SCHEDULE_TZ > `schedule.timezone` > the system's. */
export function scheduleTimezone(config: Config): string {
  return readSetting(config, 'schedule.timezone') ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A cron expression node-cron accepts with five fields (minute first); six (seconds first) when allowed. */
export async function isValidCron(expression: string, options: { allowSeconds?: boolean } = {}): Promise<boolean> {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && !(options.allowSeconds && fields.length === 6)) return false;
  const { default: cron } = await import('node-cron');
  return cron.validate(expression);
}

/** The next time a cron expression fires after now, in the given time zone. */
export async function nextCronRun(expression: string, timezone: string): Promise<Date | null> {
  const { default: cron } = await import('node-cron');
  const task = cron.createTask(expression, () => {}, { timezone });
  try {
    return task.getNextRuns(1)[0] ?? null;
  } finally {
    await task.destroy();
  }
}
