// The coalescer (shared/coalescer.ts, as built in dist/): per key the first value at once, the
// latest at the end of its window; the events node's output 2 and the roster's throttle.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import type * as CoalescerModule from '../../nodes/lib/shared/coalescer';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Coalescer }: typeof CoalescerModule = require('../../dist/nodes/lib/shared/coalescer.js');

describe('coalescer', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.restore());

  function recorder() {
    const out: Array<{ key: string; value: number; count: number; at: number }> = [];
    return { out, emit: (key: string, value: number, count: number) => out.push({ key, value, count, at: Date.now() }) };
  }

  it('passes the first value at once and the latest at the end of the window, with how many it stands for', () => {
    const r = recorder();
    const c = new Coalescer<number>(1000, r.emit);
    c.push('conf', 1);
    assert.deepEqual(r.out, [{ key: 'conf', value: 1, count: 1, at: 0 }]);
    clock.tick(100);
    c.push('conf', 2);
    c.push('conf', 3);
    assert.equal(r.out.length, 1);
    clock.tick(900);
    assert.deepEqual(r.out[1], { key: 'conf', value: 3, count: 2, at: 1000 });
    clock.tick(1000);
    assert.equal(r.out.length, 2, 'nothing new: nothing sent, the window closes');
    assert.equal(c.size, 0, 'an idle conference is forgotten');
    c.push('conf', 4);
    assert.deepEqual(r.out[2], { key: 'conf', value: 4, count: 1, at: 2000 });
  });

  it('turns a storm of 1,000 joins over ten seconds into about ten messages, the last one the last join', () => {
    const r = recorder();
    const c = new Coalescer<number>(1000, r.emit);
    for (let i = 1; i <= 1000; i++) {
      c.push('conf', i);
      clock.tick(10);
    }
    clock.tick(5000);
    assert.ok(r.out.length >= 10 && r.out.length <= 12, `${r.out.length} messages`);
    assert.equal(r.out[r.out.length - 1].value, 1000);
    assert.equal(r.out.reduce((n, o) => n + o.count, 0), 1000, 'every join is counted once');
    for (let i = 1; i < r.out.length; i++) assert.ok(r.out[i].at - r.out[i - 1].at >= 1000, 'at most one per window');
  });

  it('keeps conferences apart', () => {
    const r = recorder();
    const c = new Coalescer<number>(1000, r.emit);
    c.push('a', 1);
    c.push('b', 2);
    c.push('a', 3);
    clock.tick(1000);
    assert.deepEqual(r.out.map((o) => `${o.key}${o.value}`), ['a1', 'b2', 'a3']);
  });

  it('with a window of 0 passes every value at once and keeps no state', () => {
    const r = recorder();
    const c = new Coalescer<number>(0, r.emit);
    for (let i = 0; i < 5; i++) c.push('conf', i);
    assert.deepEqual(r.out.map((o) => o.value), [0, 1, 2, 3, 4]);
    assert.equal(c.size, 0);
  });

  it('holds at most maxKeys open windows: more conferences are passed on at once, never lost', () => {
    const r = recorder();
    const c = new Coalescer<number>(1000, r.emit, { maxKeys: 2 });
    c.push('a', 1);
    c.push('b', 2);
    c.push('c', 3);
    c.push('c', 4);
    assert.equal(c.size, 2);
    assert.deepEqual(r.out.map((o) => `${o.key}${o.value}`), ['a1', 'b2', 'c3', 'c4']);
  });

  it('sends nothing after close, and leaves no timer behind', () => {
    const r = recorder();
    const c = new Coalescer<number>(1000, r.emit);
    c.push('a', 1);
    c.push('a', 2);
    c.close();
    assert.equal(clock.countTimers(), 0);
    clock.tick(5000);
    c.push('a', 3);
    assert.deepEqual(r.out.map((o) => o.value), [1]);
  });
});
