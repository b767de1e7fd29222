// The write-behind batcher of the Kaspi scrape: batches of at most maxItems, written one at a time in
// queue order, a batch written maxWaitMs after its first unit or on flush(), units with the same key
// never in one batch, and a failed write rejecting every unit of its batch (and only those).
import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../../src/db/write-batcher.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recorder(fail?: (items: string[]) => boolean) {
  const batches: string[][] = [];
  let writing = 0;
  let overlapped = false;
  const write = async (items: string[]) => {
    writing += 1;
    if (writing > 1) overlapped = true;
    batches.push(items);
    await sleep(5);
    writing -= 1;
    if (fail?.(items)) throw new Error(`write of ${items.join(',')} failed`);
    return items.map((i) => `${i}!`);
  };
  return { batches, write, overlapped: () => overlapped };
}

describe('WriteBatcher', () => {
  it('writes full batches at once, one at a time, in queue order; each unit gets its own result', async () => {
    const r = recorder();
    const b = new WriteBatcher(r.write, { maxItems: 3, maxWaitMs: 10_000 });
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((x) => b.add(x)));
    expect(results).toEqual(['a!', 'b!', 'c!', 'd!', 'e!', 'f!']);
    expect(r.batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    expect(r.overlapped()).toBe(false);
  });

  it('writes a partial batch maxWaitMs after its first unit, or at once on flush()', async () => {
    const r = recorder();
    const b = new WriteBatcher(r.write, { maxItems: 10, maxWaitMs: 30 });
    const started = Date.now();
    expect(await b.add('a')).toBe('a!');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const quick = b.add('b');
    b.flush();
    const t = Date.now();
    await quick;
    expect(Date.now() - t).toBeLessThan(25);
    expect(r.batches).toEqual([['a'], ['b']]);
  });

  it('never puts two units with the same key in one batch', async () => {
    const r = recorder();
    const b = new WriteBatcher(r.write, { maxItems: 10, maxWaitMs: 5, key: (x: string) => x[0]! });
    await Promise.all(['a1', 'b1', 'a2', 'c1'].map((x) => b.add(x)));
    expect(r.batches).toEqual([
      ['a1', 'b1'],
      ['a2', 'c1'],
    ]);
  });

  it('a failed write rejects the units of its batch and no other', async () => {
    const r = recorder((items) => items.includes('b'));
    const b = new WriteBatcher(r.write, { maxItems: 2, maxWaitMs: 5 });
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((x) => b.add(x)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason.message).toBe('write of a,b failed');
  });

  it('waitForRoom holds a producer while too many units wait', async () => {
    const r = recorder();
    const b = new WriteBatcher(r.write, { maxItems: 2, maxWaitMs: 5 });
    const units = ['a', 'b', 'c', 'd'].map((x) => b.add(x));
    // The first batch is being written; the second waits its turn.
    expect(b.pending).toBe(2);
    await b.waitForRoom(1);
    expect(b.pending).toBe(0);
    await Promise.all(units);
    expect(b.pending).toBe(0);
  });
});
