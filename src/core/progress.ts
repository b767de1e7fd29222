import type { Stream } from './terminal.js';

/** Progress for long runs: an ora spinner on a terminal, nothing otherwise. */
export interface Progress {
  /** Count one finished unit (`failed` counts it as a failure). */
  tick(failed?: boolean): void;
  /** Replace the label. */
  label(text: string): void;
  /** Stop and clear the spinner; `final` is printed to stderr on a terminal. */
  stop(final?: string): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  /** Whether progress may be shown at all (a TTY, no --quiet, no --json). */
  enabled: boolean;
  stream?: Stream;
}

const silent: Progress = { tick() {}, label() {}, stop() {} };

export async function startProgress(options: ProgressOptions): Promise<Progress> {
  const stream = options.stream ?? process.stderr;
  if (!options.enabled || !stream.isTTY) return silent;
  const { default: ora } = await import('ora');
  const started = Date.now();
  let done = 0;
  let failed = 0;
  let label = options.label;
  const render = () => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? (done / secs).toFixed(1) : '0.0';
    const count = options.total ? `${done}/${options.total}` : `${done}`;
    const bar = options.total ? ` ${bar20(done / options.total)}` : '';
    return `${label}${bar} ${count} · ${rate}/s${failed ? ` · ${failed} failed` : ''}`;
  };
  const spinner = ora({ text: render(), stream: stream as NodeJS.WritableStream, discardStdin: false }).start();
  return {
    tick(isFailure = false) {
      done++;
      if (isFailure) failed++;
      spinner.text = render();
    },
    label(text) {
      label = text;
      spinner.text = render();
    },
    stop(final) {
      if (final) spinner.stopAndPersist({ symbol: '', text: final });
      else spinner.stop();
    },
  };
}

function bar20(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * 20);
  return `[${'█'.repeat(filled)}${'░'.repeat(20 - filled)}]`;
}
