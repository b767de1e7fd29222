// Reads a crontab (crontab.example): environment lines, and schedule lines that call `mp jobs run`.

export interface CrontabEntry {
  /** 1-based line number in the file. */
  line: number;
  /** The five time fields. */
  expression: string;
  /** Everything after the time fields. */
  command: string;
  /** The job named by `mp jobs run <job>` in the command, if any. */
  job?: string;
}

export interface Crontab {
  env: Record<string, string>;
  entries: CrontabEntry[];
}

const ENV_LINE = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const JOB_CALL = /\bmp(?:\.js)?\s+jobs\s+run\s+([a-z0-9_.-]+)/;

/** Parses crontab text; pure. Comment and blank lines are ignored. */
export function parseCrontab(text: string): Crontab {
  const env: Record<string, string> = {};
  const entries: CrontabEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const assignment = ENV_LINE.exec(line);
    if (assignment) {
      env[assignment[1]!] = unquote(assignment[2]!.trim());
      return;
    }
    const fields = line.split(/\s+/);
    const expression = fields.slice(0, 5).join(' ');
    const command = fields.slice(5).join(' ');
    entries.push({ line: i + 1, expression, command, job: JOB_CALL.exec(command)?.[1] });
  });
  return { env, entries };
}

function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}
