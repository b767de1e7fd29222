// Where each job's schedule comes from: MP_SCHEDULE_<JOB> > config file `schedule` > the job's default,
// read through the settings table's patterned entry `schedule.<job>` (one parser, one error form).
import type { Config } from '../core/config.js';
import { isValidCronSync, namedSettingEnv, readNamedSetting, readSetting, SETTINGS } from '../core/settings.js';
import { CONTINUOUS, type JobDefinition } from './registry.js';

/** A job's schedule: a cron expression, `continuous` (worker loop) or `off`. */
export type Schedule = { kind: 'cron'; expression: string } | { kind: 'continuous' } | { kind: 'off' };

export const OFF = 'off';

/** `kaspi.scrape` → `MP_SCHEDULE_KASPI_SCRAPE`. */
export function scheduleEnvName(job: string): string {
  return namedSettingEnv('schedule.<job>', job)!;
}

/**
 * A job's schedule: MP_SCHEDULE_<JOB>, else `schedule.<job>` in the config file, else the job's default.
 * A bad value is a usage error (exit 2) naming the variable or config key it came from.
 */
export async function jobSchedule(config: Config, job: JobDefinition): Promise<Schedule> {
  const text =
    readNamedSetting(config, 'schedule.<job>', job.name) ?? SETTINGS['schedule.<job>'].parser.parse(job.defaultSchedule, `the default schedule of ${job.name}`);
  if (text === OFF) return { kind: 'off' };
  if (text === CONTINUOUS) return { kind: 'continuous' };
  return { kind: 'cron', expression: text };
}

/** The time zone cron expressions are read in: MP_SCHEDULE_TZ > `schedule.timezone` > the system's. */
export function scheduleTimezone(config: Config): string {
  return readSetting(config, 'schedule.timezone') ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A cron expression node-cron accepts with five fields (minute first); six (seconds first) when allowed. */
export async function isValidCron(expression: string, options: { allowSeconds?: boolean } = {}): Promise<boolean> {
  return isValidCronSync(expression, options);
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
