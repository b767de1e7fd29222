// The built-in --jq evaluator: a corpus of filters with the outputs jq gives (checked against the jq
// binary when one is installed), and its errors.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileJq, formatJqResult } from '../../src/core/jq.js';

const doc = {
  items: [
    { id: 'a1', status: 'NEW', amount: '100.50', attempts: 0, tags: ['x', 'y'], created_at: '2026-11-20T10:00:00Z' },
    { id: 'b2', status: 'FAILED', amount: '7', attempts: 3, tags: [], created_at: '2026-11-21T10:00:00Z', comment: 'gateway said no' },
    { id: 'c3', status: 'NEW', amount: '2500', attempts: 1, tags: ['y'], created_at: '2026-11-22T10:00:00Z' },
  ],
  next_cursor: null,
  'odd key': { n: -2.5 },
};

/** [filter, expected outputs] — what `jq -c` prints for `doc`, one entry per output. */
const CORPUS: Array<[string, unknown[]]> = [
  ['.', [doc]],
  ['.next_cursor', [null]],
  ['.items[0].id', ['a1']],
  ['.items[-1].id', ['c3']],
  ['.items[].id', ['a1', 'b2', 'c3']],
  ['.items | length', [3]],
  ['[.items[] | select(.status == "NEW") | .id]', [['a1', 'c3']]],
  ['.items[] | select(.attempts > 0 and .status != "NEW") | .id', ['b2']],
  ['.items[] | select(.comment) | .comment', ['gateway said no']],
  ['.items | map(.amount | tonumber) | add', [2607.5]],
  [
    '.items | map({id, n: (.tags | length)})',
    [
      [
        { id: 'a1', n: 2 },
        { id: 'b2', n: 0 },
        { id: 'c3', n: 1 },
      ],
    ],
  ],
  ['.items[] | "\\(.id): \\(.amount)"', ['a1: 100.50', 'b2: 7', 'c3: 2500']],
  ['.["odd key"].n', [-2.5]],
  ['."odd key".n', [-2.5]],
  ['.items[1:].[0].id', ['b2']],
  ['.items[:1] | length', [1]],
  ['.missing // "none"', ['none']],
  ['.items[0].tags[]?', ['x', 'y']],
  ['.next_cursor[]?', []],
  ['[.items[] | .status] | unique', [['FAILED', 'NEW']]],
  ['.items | group_by(.status) | map({(.[0].status): length}) | add', [{ FAILED: 1, NEW: 2 }]],
  ['.items | sort_by(.attempts) | reverse | .[0].id', ['b2']],
  ['.items | max_by(.attempts) | .id', ['b2']],
  ['if .next_cursor then "more" else "done" end', ['done']],
  ['.items[] | if .attempts == 0 then "fresh" elif .attempts < 3 then "retrying" else "given up" end', ['fresh', 'given up', 'retrying']],
  ['[.items[].tags[]] | join(",")', ['x,y,y']],
  ['.items | any(.status == "FAILED")', [true]],
  ['.items | all(.attempts < 5)', [true]],
  ['[.items[] | .id | ascii_upcase | test("^[AB]")]', [[true, true, false]]],
  ['.items[0] | keys', [['amount', 'attempts', 'created_at', 'id', 'status', 'tags']]],
  ['.items[0] | to_entries | map(select(.key | startswith("a"))) | from_entries', [{ amount: '100.50', attempts: 0 }]],
  ['.items[0] | with_entries(select(.value | type == "string")) | keys', [['amount', 'created_at', 'id', 'status']]],
  ['.items[0] | has("comment"), has("id")', [false, true]],
  ['[.items[].attempts] | add / length', [4 / 3]],
  ['1 + 2 * 3 - 4 % 3', [6]],
  ['[range(3)] | map(. * 2)', [[0, 2, 4]]],
  ['.items | first(.[] | select(.status == "NEW")) | .id', ['a1']],
  ['[limit(2; .items[])] | length', [2]],
  ['.items | map(.id) | index("b2")', [1]],
  ['reduce .items[] as $p (0; . + $p.attempts)', [4]],
  ['.items[0] as $first | .items | map(select(.status == $first.status)) | length', [2]],
  ['.items[1].comment | split(" ") | .[1:] | join("_")', ['said_no']],
  ['.items[] | try error("x") catch .', ['x', 'x', 'x']],
  ['"a,b" / ","', [['a', 'b']]],
  ['{a: 1} + {b: 2} | tojson', ['{"a":1,"b":2}']],
  ['[.items[].created_at | fromdate] | min | todate', ['2026-11-20T10:00:00Z']],
  ['.items | del(.[0]) | length', [2]],
  ['[paths] | length > 10', [true]],
  ['[.. | numbers] | add', [1.5]],
  ['.items[0].tags | contains(["x"])', [true]],
  ['not', [false]],
  ['[.items[] | .amount | tonumber | floor] | sort', [[7, 100, 2500]]],
];

describe('--jq evaluator', () => {
  it.each(CORPUS)('%s', (filter, expected) => {
    expect(compileJq(filter)(doc)).toEqual(expected);
  });

  const jq = spawnSync('jq', ['--version']).status === 0;
  it.skipIf(!jq)('gives what the jq binary gives for every filter of the corpus', () => {
    const differ: string[] = [];
    for (const [filter] of CORPUS) {
      const r = spawnSync('jq', ['-c', filter], { input: JSON.stringify(doc), encoding: 'utf8' });
      const theirs = r.stdout.split('\n').filter(Boolean);
      const ours = compileJq(filter)(doc).map((v) => JSON.stringify(v));
      if (r.status === 0 && JSON.stringify(theirs.map((l) => JSON.parse(l))) !== JSON.stringify(ours.map((l) => JSON.parse(l)))) {
        differ.push(`${filter}: jq ${theirs.join(' ')} / ours ${ours.join(' ')}`);
      }
    }
    expect(differ).toEqual([]);
  });

  it('prints strings raw and everything else as compact JSON', () => {
    expect(compileJq('.items[0].id, .items[0].tags, .items[0].attempts')(doc).map(formatJqResult)).toEqual(['a1', '["x","y"]', '0']);
  });

  it('a filter it cannot parse is a usage error (exit 2); a runtime error is JQ_ERROR (exit 1)', () => {
    for (const bad of ['.items[', '.items | frobnicate', '{a', '"open', 'map(.a; .b)', '.a ||| .b']) {
      expect(() => compileJq(bad), bad).toThrow(expect.objectContaining({ code: 'JQ_BAD_EXPRESSION', exitCode: 2 }));
    }
    expect(() => compileJq('.items[].id[]')(doc)).toThrow(
      expect.objectContaining({ code: 'JQ_ERROR', exitCode: 1, message: '--jq: cannot iterate over string ("a1")' }),
    );
    expect(() => compileJq('.items + 1')(doc)).toThrow(expect.objectContaining({ code: 'JQ_ERROR' }));
  });

  it('takes what the JSON output would hold: dates as ISO strings, bigints as strings', () => {
    expect(compileJq('.at, .n')({ at: new Date('2026-11-20T10:00:00Z'), n: 12n })).toEqual(['2026-11-20T10:00:00.000Z', '12']);
  });
});
