import type { Context } from '../../core/context.js';
import { EXIT, InternalError, isMpError, PartialFailure, UsageError } from '../../core/errors.js';
import { parseShard } from '../../core/shard.js';
import { findJob, listJobs } from '../../schedule/registry.js';
import { describeError, runJob } from '../../schedule/run-job.js';

interface Options {
  store?: string;
  cabinet?: string;
  shard?: string;
}

/** `mp jobs run <job>`: one run (per store/cabinet) under the job's lock; what cron calls. */
export async function jobsRun(ctx: Context, name: string, options: Options): Promise<void> {
  const job = await findJob(name, ctx.config);
  if (!job) {
    const names = (await listJobs(ctx.config)).map((j) => j.name);
    throw new UsageError('JOB_UNKNOWN', `unknown job "${name}"`, {
      hint: names.length ? `known jobs: ${names.join(', ')}` : 'no jobs are available in this build',
    });
  }
  const scope = options.store ?? options.cabinet;
  if (options.store !== undefined && options.cabinet !== undefined) throw new UsageError('JOB_BAD_SCOPE', 'give --store or --cabinet, not both');
  const given = options.store !== undefined ? 'store' : options.cabinet !== undefined ? 'cabinet' : undefined;
  if (given && job.scopeKind !== given) {
    throw new UsageError('JOB_BAD_SCOPE', `${job.name} does not run per ${given}`, {
      hint: job.scopeKind ? `use --${job.scopeKind}` : 'it always runs for everything',
    });
  }
  const shard = parseShard(options.shard, '--shard', 'JOB_BAD_SHARD');
  if (shard && !job.sharded) throw new UsageError('JOB_BAD_SHARD', `${job.name} does not split work into shards`);

  job.checkSettings?.(ctx.config);
  const outcomes = await runJob(ctx, job, { scope, shard });
  const label = (o: { job: string; scope: string | null }) => (o.scope ? `${o.job} (${o.scope})` : o.job);
  for (const o of outcomes) {
    if (o.status === 'skipped') ctx.log.warn(`${label(o)} is already running elsewhere: skipped (run ${o.runId})`);
    else if (o.status === 'failed') ctx.log.error(`${label(o)} failed: ${describeError(o.error)} (run ${o.runId})`);
    else ctx.log.info(`${label(o)} ${o.status} in ${(o.durationMs / 1000).toFixed(1)} s (run ${o.runId})`);
  }
  if (job.scopeKind && outcomes.length === 1 && outcomes[0]!.summary?.[`${job.scopeKind}s`] === 0)
    ctx.log.warn(`${job.name}: no ${job.scopeKind} yet, nothing to do`);
  const json = outcomes.map((o) => ({
    job: o.job,
    scope: o.scope,
    status: o.status,
    runId: o.runId ?? null,
    durationMs: o.durationMs,
    summary: o.summary ?? null,
    error: o.status === 'failed' ? describeError(o.error) : null,
  }));
  if (ctx.out.json) ctx.out.jsonDocument(json.length === 1 ? json[0] : json);
  else
    ctx.out.list(json, [{ key: 'job' }, { key: 'scope' }, { key: 'status' }, { key: 'summary', get: (r) => (r.summary ? summaryText(r.summary) : r.error) }]);
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length === 0) return;
  // An unexpected exception in a job is a bug (70, with its stack); an expected failure exits 1.
  const bug = failed.find((o) => !isMpError(o.error) || o.error.exitCode === EXIT.internal);
  if (bug) throw new InternalError('JOB_BUG', `${label(bug)} failed: ${describeError(bug.error)} (run ${bug.runId})`, { cause: bug.error });
  const what = failed.length === 1 ? `${label(failed[0]!)} failed` : `${failed.length} of ${outcomes.length} runs failed`;
  throw new PartialFailure('JOB_FAILED', `${what}: \`mp jobs status\` and the lines above say why`);
}

/** `key=value` pairs of a summary's scalar fields, for the one-line table cell. */
function summaryText(summary: Record<string, unknown>): string {
  return Object.entries(summary)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
