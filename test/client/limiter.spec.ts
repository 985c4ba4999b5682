import assert from 'node:assert/strict';
import { setMaxListeners } from 'node:events';
import { SignalWireError } from '../../nodes/lib/shared/errors';
import { forEachConcurrently, Limiter } from '../../nodes/lib/client/limiter';
import { timerWatch, waitUntil } from '../support/harness';

/** Runs a task within the limiter, as the client's attempts do. */
async function run<T>(limiter: Limiter, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const release = await limiter.acquire(signal);
  try {
    return await task();
  } finally {
    release();
  }
}

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
      run(limiter, async () => {
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
    const first = run(limiter, () => gate.promise);
    const ac = new AbortController();
    const aborted = run(limiter, async () => 'never', ac.signal);
    const kept = run(limiter, async () => 'kept');
    ac.abort();
    await assert.rejects(aborted, /aborted/);
    assert.equal(limiter.queued, 1);
    gate.resolve();
    await first;
    assert.equal(await kept, 'kept');
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new Limiter(1);
    await assert.rejects(run(limiter, async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await run(limiter, async () => 7), 7);
    assert.equal(limiter.running, 0);
  });

  it('refuses a request past the queue bound with "queue full", and keeps the ones already waiting', async () => {
    const limiter = new Limiter(1, 2);
    const first = await limiter.acquire();
    const waiting = [limiter.acquire(), limiter.acquire()];
    await assert.rejects(limiter.acquire(), (err: Error & { kind?: string }) => err.kind === 'queue-full' && /queue full: 2 requests/.test(err.message));
    assert.equal(limiter.queued, 2);
    first();
    (await waiting[0])();
    (await waiting[1])();
    assert.equal(limiter.running, 0);
  });

  it('starts nothing while paused, even with free slots, then everything in order', async () => {
    const limiter = new Limiter(5);
    limiter.pause(150);
    const started: number[] = [];
    const at = Date.now();
    const runs = [0, 1, 2].map((i) => limiter.acquire().then((release) => { started.push(i); release(); }));
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(started, [], 'nothing starts during the pause');
    await Promise.all(runs);
    assert.deepEqual(started, [0, 1, 2]);
    assert.ok(Date.now() - at >= 140, `started after ${Date.now() - at} ms`);
  });

  it('lets a longer pause extend a shorter one, never cut it', async () => {
    const limiter = new Limiter(1);
    limiter.pause(200);
    limiter.pause(50);
    const at = Date.now();
    (await limiter.acquire())();
    assert.ok(Date.now() - at >= 190, `started after ${Date.now() - at} ms`);
  });

  it('stops the deadline timer of a waiting request once it has its slot', async () => {
    const limiter = new Limiter(1);
    const first = await limiter.acquire();
    const timers = timerWatch();
    try {
      const deadline = { at: Date.now() + 60_000, error: () => new SignalWireError('timeout', 'gave-up', { seconds: 60 }) };
      const waiting = timers.run(() => limiter.acquire(undefined, deadline));
      assert.equal(timers.pending().length, 1, 'the wait has a deadline timer');
      first();
      const release = await waiting;
      // Left running, it would hold the process and the request's closure for a minute.
      await waitUntil(() => timers.pending().length === 0, 2000, () => `timers of the wait still pending after it got its slot: ${JSON.stringify(timers.pending())}`);
      release();
      assert.equal(limiter.running, 0);
    } finally {
      timers.stop();
    }
  });

  it('keeps the others in arrival order when waiters leave from the front, the middle and the end', async () => {
    const limiter = new Limiter(1);
    const hold = await limiter.acquire();
    const leavers = new Map([0, 3, 4, 7].map((i) => [i, new AbortController()]));
    const started: number[] = [];
    const waits = Array.from({ length: 8 }, (_, i) =>
      limiter.acquire(leavers.get(i)?.signal).then(
        (release) => {
          started.push(i);
          release();
        },
        () => undefined,
      ),
    );
    for (const i of [3, 0, 7, 4]) leavers.get(i)!.abort();
    await Promise.resolve();
    assert.equal(limiter.queued, 4);
    hold();
    await Promise.all(waits);
    assert.deepEqual(started, [1, 2, 5, 6]);
    assert.equal(limiter.queued, 0);
    // Empty again after everyone left: a new waiter is first in line, then runs at once.
    const again = await limiter.acquire();
    assert.equal(limiter.running, 1);
    again();
  });

  it('stays right across 200,000 waiters through a full queue: oldest out first, the count exact, leavers never started', async function () {
    this.timeout(30_000);
    const bound = 1000;
    const limiter = new Limiter(1, bound);
    let hold = await limiter.acquire();
    let expected = 0;
    let wrongOrder = 0;
    let startedLeavers = 0;
    const node = new AbortController(); // one signal shared by every waiter, as a node's
    setMaxListeners(0, node.signal);
    for (let i = 0; i < 200_000; i++) {
      // Every fifth waiter has its own signal, aborted at once: it leaves from the middle.
      const own = i % 5 === 4 ? new AbortController() : undefined;
      void limiter.acquire(own?.signal ?? node.signal).then(
        (release) => {
          if (own) startedLeavers++;
          else if (i !== expected) wrongOrder++;
          expected = i + 1 + (i % 5 === 3 ? 1 : 0);
          release();
        },
        () => undefined,
      );
      own?.abort();
      if (limiter.queued === bound) {
        // Full: let the queue run down to half, one slot at a time.
        while (limiter.queued > bound / 2) {
          hold();
          hold = await limiter.acquire();
        }
      }
    }
    assert.equal(wrongOrder, 0);
    assert.equal(startedLeavers, 0);
    assert.ok(limiter.queued <= bound);
    node.abort();
    await Promise.resolve();
    assert.equal(limiter.queued, 0);
    hold();
    assert.equal(limiter.running, 0);
  });

  it('counts a slot once however often its release is called', async () => {
    const limiter = new Limiter(2);
    const a = await limiter.acquire();
    await limiter.acquire();
    a();
    a();
    assert.equal(limiter.running, 1);
  });
});

describe('forEachConcurrently', () => {
  it('runs the items in order, at most the limit at a time, and resolves once every one is done', async () => {
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const all = forEachConcurrently([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      most = Math.max(most, ++running);
      await gates[i].promise;
      running--;
    });
    await Promise.resolve();
    assert.deepEqual(started, [0, 1]);
    gates[1].resolve();
    for (let i = 0; i < 5 && started.length < 3; i++) await Promise.resolve();
    assert.deepEqual(started, [0, 1, 2], 'the next one starts when one ends');
    for (const g of gates) g.resolve();
    await all;
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
  });

  it('after the first failure starts no more, lets the running ones finish, then rejects with that failure', async () => {
    const slow = deferred();
    const started: number[] = [];
    const finished: number[] = [];
    const all = forEachConcurrently([0, 1, 2, 3], 2, async (i) => {
      started.push(i);
      if (i === 0) throw new Error('first');
      if (i === 1) await slow.promise;
      finished.push(i);
    });
    let settled = false;
    all.catch(() => undefined).finally(() => (settled = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    assert.equal(settled, false, 'waits for the one running');
    slow.resolve();
    await assert.rejects(all, /first/);
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(finished, [1]);
  });

  it('an empty list or a limit under one still works', async () => {
    await forEachConcurrently([], 3, async () => assert.fail('no item'));
    const seen: number[] = [];
    await forEachConcurrently([1, 2], 0, async (i) => void seen.push(i));
    assert.deepEqual(seen, [1, 2]);
  });
});
