import assert from 'node:assert/strict';
import sinon from 'sinon';
import type * as DeadlinesModule from '../../nodes/lib/client/deadlines';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Deadlines }: typeof DeadlinesModule = require('../../dist/nodes/lib/client/deadlines.js');
/* eslint-enable @typescript-eslint/no-require-imports */

describe('attempt deadlines on one timer (nodes/lib/client/deadlines.ts)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.restore());

  /** An item that records when it was ended. */
  const item = (name: string, inMs: number, ended: Array<{ name: string; at: number }>) => ({
    name,
    endsAt: Date.now() + inMs,
    expire: () => ended.push({ name, at: Date.now() }),
  });

  it('ends each item at its own time, on one timer whatever their number', () => {
    const ended: Array<{ name: string; at: number }> = [];
    const deadlines = new Deadlines<ReturnType<typeof item>>();
    const t0 = Date.now();
    for (let i = 1; i <= 5; i++) {
      deadlines.add(item(`a${i}`, 10_000, ended));
      clock.tick(1000);
    }
    assert.equal(clock.countTimers(), 1);
    clock.tick(10_000);
    assert.deepEqual(
      ended.map((e) => [e.name, e.at - t0]),
      [['a1', 10_000], ['a2', 11_000], ['a3', 12_000], ['a4', 13_000], ['a5', 14_000]],
    );
    assert.equal(deadlines.size, 0);
    assert.equal(clock.countTimers(), 0, 'nothing left to wait for: no timer');
  });

  it('ends an item that must end sooner than the one the timer waits for at its own time', () => {
    const ended: Array<{ name: string; at: number }> = [];
    const deadlines = new Deadlines<ReturnType<typeof item>>();
    const t0 = Date.now();
    deadlines.add(item('long', 10_000, ended));
    clock.tick(1000);
    // An attempt cut to the 2 s left of its request's deadline.
    deadlines.add(item('cut', 2000, ended));
    clock.tick(10_000);
    assert.deepEqual(
      ended.map((e) => [e.name, e.at - t0]),
      [['cut', 3000], ['long', 10_000]],
    );
  });

  it('after ending what is due, waits for the earliest of the rest, not the oldest', () => {
    const ended: Array<{ name: string; at: number }> = [];
    const deadlines = new Deadlines<ReturnType<typeof item>>();
    const t0 = Date.now();
    deadlines.add(item('first', 2000, ended));
    deadlines.add(item('long', 10_000, ended));
    deadlines.add(item('cut', 5000, ended));
    clock.tick(10_000);
    assert.deepEqual(
      ended.map((e) => [e.name, e.at - t0]),
      [['first', 2000], ['cut', 5000], ['long', 10_000]],
    );
  });

  it('does not end an item that ended before its time; the timer fires once more, then none is left', () => {
    const ended: Array<{ name: string; at: number }> = [];
    const deadlines = new Deadlines<ReturnType<typeof item>>();
    const first = item('first', 10_000, ended);
    deadlines.add(first);
    clock.tick(5000);
    deadlines.delete(first);
    const second = item('second', 10_000, ended);
    deadlines.add(second);
    assert.equal(clock.countTimers(), 1);
    clock.tick(5000); // the first one's time: nothing is due
    assert.deepEqual(ended, []);
    assert.equal(clock.countTimers(), 1, 'set again for the second');
    deadlines.delete(second);
    clock.tick(5000);
    assert.deepEqual(ended, []);
    assert.equal(clock.countTimers(), 0);
  });

  it('close() forgets every item and stops the timer', () => {
    const ended: Array<{ name: string; at: number }> = [];
    const deadlines = new Deadlines<ReturnType<typeof item>>();
    deadlines.add(item('a', 10_000, ended));
    deadlines.close();
    assert.equal(clock.countTimers(), 0);
    clock.tick(20_000);
    assert.deepEqual(ended, []);
    assert.equal(deadlines.size, 0);
  });
});
