import assert from 'node:assert/strict';
import { Limiter } from '../nodes/lib/limiter';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('in-flight limiter', () => {
  it('runs at most max tasks at once and every queued task in arrival order', async () => {
    const limiter = new Limiter(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    let peak = 0;
    const runs = gates.map((g, i) =>
      limiter.run(async () => {
        started.push(i);
        peak = Math.max(peak, limiter.running);
        await g.promise;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1]);
    assert.equal(limiter.queued, 2);
    gates[1].resolve();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1, 2]);
    gates.forEach((g) => g.resolve());
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
    assert.equal(peak, 2);
    assert.equal(limiter.running, 0);
  });

  it('drops a waiting task whose signal aborts, and only that one', async () => {
    const limiter = new Limiter(1);
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const ac = new AbortController();
    const aborted = limiter.run(async () => 'never', ac.signal);
    const kept = limiter.run(async () => 'kept');
    ac.abort();
    await assert.rejects(aborted, /aborted/);
    assert.equal(limiter.queued, 1);
    gate.resolve();
    await first;
    assert.equal(await kept, 'kept');
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new Limiter(1);
    await assert.rejects(limiter.run(async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await limiter.run(async () => 7), 7);
    assert.equal(limiter.running, 0);
  });
});
