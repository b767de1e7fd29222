// gh's scripting conventions, as a cron wrapper or a shell script meets them: `--jq` (implies
// --json; strings raw), errors as one JSON object on stderr whenever --json is given (usage errors
// too), and exit codes that tell "renew the token" (4) and "run again later" (5) from "failed" (1).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWbToken } from '../../src/fakes/fake-wb.js';
import { runMp } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

/** stderr as exactly one JSON object (the error), parsed. */
function oneJsonError(stderr: string): { code: string; message: string; exit: number } {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return (JSON.parse(lines[0]!) as { error: { code: string; message: string; exit: number } }).error;
}

describe('scripting conventions as subprocesses', { timeout: 180_000 }, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'mp-scripting-'));
    env = { MP_HOME: home };
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('--jq filters the JSON output (implies --json): strings raw, the rest compact JSON, one result a line', async () => {
    const names = await runMp(['export', '--jq', '.[].name'], { env });
    expect(names.code, names.stderr).toBe(0);
    expect(names.stdout.split('\n')).toEqual(expect.arrayContaining(['kaspi-products', 'payouts', 'wb-orders']));
    const objects = await runMp(['--jq', '.[] | select(.name == "payouts") | {name, since}', 'export'], { env });
    expect(objects.stdout).toBe('{"name":"payouts","since":"created_at"}\n');
  });

  it('--jq: a filter mp cannot parse is a usage error before the command runs; a runtime error exits 1', async () => {
    const bad = await runMp(['export', '--jq', '.[] | frobnicate'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(oneJsonError(bad.stderr)).toMatchObject({ code: 'JQ_BAD_EXPRESSION', exit: 2, message: expect.stringContaining('unknown function frobnicate') });
    const runtime = await runMp(['export', '--jq', '.[0].name[]'], { env });
    expect(runtime.code).toBe(1);
    expect(oneJsonError(runtime.stderr)).toMatchObject({ code: 'JQ_ERROR', exit: 1 });
  });

  it('with --json, usage errors are one JSON object on stderr too (exit 2)', async () => {
    const unknown = await runMp(['--json', 'kaspi', 'scarpe'], { env });
    expect(unknown.code).toBe(2);
    expect(oneJsonError(unknown.stderr)).toMatchObject({
      code: 'USAGE_UNKNOWN_COMMAND',
      exit: 2,
      message: expect.stringContaining("unknown command 'scarpe'"),
    });
    const option = await runMp(['kaspi', 'track', 'list', '--json', '--nope'], { env });
    expect(option.code).toBe(2);
    expect(oneJsonError(option.stderr)).toMatchObject({ code: 'USAGE_UNKNOWN_OPTION', exit: 2 });
    const value = await runMp(['--json', 'payouts', 'list', '--since', '99x', '--status', 'DONE'], { env });
    expect(value.code).toBe(2);
    const error = oneJsonError(value.stderr);
    expect(error).toMatchObject({ exit: 2, fields: { since: expect.any(String), status: expect.any(String) } });
  });

  it('with --json an expected failure is one JSON object (exit 1); without it, one plain line', async () => {
    const json = await runMp(['--json', 'payouts', 'show', '00000000-0000-0000-0000-000000000000'], { env });
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(oneJsonError(json.stderr)).toMatchObject({ code: 'PAYOUT_NOT_FOUND', exit: 1 });
  });

  // stderr on a real terminal (util-linux `script`): --json still means one JSON object, not the
  // coloured line a person gets without it.
  it.skipIf(!HAS_SCRIPT)('with --json the error is JSON even when stderr is a terminal', async () => {
    const onTty = (args: string) => {
      const r = spawnSync('script', ['-q', '-e', '-c', `${process.execPath} ${BIN} ${args} >/dev/null`, '/dev/null'], {
        env: { ...process.env, MP_HOME: home, NO_COLOR: '' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      return { code: r.status, text: r.stdout.replace(/\r/g, '') };
    };
    const json = onTty('--json payouts show 00000000-0000-0000-0000-000000000000');
    expect(json.code).toBe(1);
    expect(oneJsonError(json.text)).toMatchObject({ code: 'PAYOUT_NOT_FOUND', exit: 1 });
    const plain = onTty('payouts show 00000000-0000-0000-0000-000000000000');
    expect(plain.code).toBe(1);
    expect(plain.text).toMatch(/error: .*no payout with id/);
    expect(plain.text.trim().startsWith('{')).toBe(false);
  });

  it('an expired token exits 4 (authentication), named in the JSON error', async () => {
    const expired = makeWbToken({ expiresAt: new Date(Date.now() - 86_400_000) });
    const r = await runMp(['--json', 'wb', 'cabinet', 'add', '--token-stdin'], { env, input: `${expired}\n` });
    expect(r.code).toBe(4);
    expect(oneJsonError(r.stderr)).toMatchObject({ code: 'WB_TOKEN_EXPIRED', exit: 4 });
    expect(r.stderr).not.toContain(expired);
  });
});
