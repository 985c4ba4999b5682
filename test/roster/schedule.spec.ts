// When the roster sweeps, on a fake clock: at start, every interval after the last one ended,
// one at a time (asking while one runs runs one more after it), asked-for sweeps at most once
// per minimum gap, and nothing after close (the running one aborted).
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SweepSchedule, type SweepScheduleOptions } from '../../nodes/lib/roster/schedule';

interface Run {
  at: number;
  signal: AbortSignal;
  finish: (error?: unknown) => void;
}

function setup(options: Partial<SweepScheduleOptions> = {}) {
  const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const runs: Run[] = [];
  const results: unknown[] = [];
  const schedule = new SweepSchedule({
    intervalMs: 30_000,
    minGapMs: 5000,
    run: (signal) =>
      new Promise<void>((resolve, reject) => {
        runs.push({ at: Date.now(), signal, finish: (error) => (error === undefined ? resolve() : reject(error)) });
      }),
    finished: (error) => results.push(error),
    ...options,
  });
  /** Ends the latest sweep and lets its continuation run. */
  const finish = async (error?: unknown) => {
    runs[runs.length - 1].finish(error);
    await clock.tickAsync(0);
  };
  return { clock, runs, results, schedule, finish };
}

describe('roster sweep schedule', () => {
  afterEach(() => sinon.restore());

  it('sweeps at start, then every interval after the previous sweep ended', async () => {
    const { clock, runs, results, schedule, finish } = setup();
    schedule.start();
    assert.equal(runs.length, 1);
    await clock.tickAsync(2000);
    await finish();
    assert.deepEqual(results, [undefined]);
    await clock.tickAsync(29_999);
    assert.equal(runs.length, 1);
    await clock.tickAsync(1);
    assert.equal(runs.length, 2);
    assert.equal(runs[1].at - runs[0].at, 32_000);
    schedule.close();
  });

  it('with interval 0, only at start and when asked', async () => {
    const { clock, runs, schedule, finish } = setup({ intervalMs: 0 });
    schedule.start();
    await finish();
    await clock.tickAsync(3_600_000);
    assert.equal(runs.length, 1);
    schedule.request();
    await clock.tickAsync(0);
    assert.equal(runs.length, 2);
    schedule.close();
  });

  it('one at a time: asked for three times while one runs, one more runs after it', async () => {
    const { clock, runs, schedule, finish } = setup({ minGapMs: 0 });
    schedule.start();
    schedule.request();
    schedule.request();
    schedule.request();
    assert.equal(runs.length, 1);
    assert.equal(schedule.busy, true);
    await finish();
    await clock.tickAsync(0);
    assert.equal(runs.length, 2);
    await finish();
    await clock.tickAsync(10_000);
    assert.equal(runs.length, 2);
    schedule.close();
  });

  it('an asked-for sweep starts at most once per minimum gap, and then replaces the later periodic one', async () => {
    const { clock, runs, schedule, finish } = setup({ minGapMs: 5000 });
    schedule.start();
    await clock.tickAsync(1000);
    await finish();
    schedule.request();
    schedule.request();
    await clock.tickAsync(3999);
    assert.equal(runs.length, 1, 'not before 5 s after the last start');
    await clock.tickAsync(1);
    assert.equal(runs.length, 2);
    assert.equal(runs[1].at - runs[0].at, 5000);
    await finish();
    // The periodic sweep now comes 30 s after this one.
    await clock.tickAsync(29_999);
    assert.equal(runs.length, 2);
    await clock.tickAsync(1);
    assert.equal(runs.length, 3);
    schedule.close();
  });

  it('a failed sweep is reported and the schedule goes on', async () => {
    const { clock, runs, results, schedule, finish } = setup();
    schedule.start();
    const boom = new Error('401');
    await finish(boom);
    assert.deepEqual(results, [boom]);
    await clock.tickAsync(30_000);
    assert.equal(runs.length, 2);
    schedule.close();
  });

  it('close aborts the running sweep, reports nothing of it, and no sweep runs afterwards', async () => {
    const { clock, runs, results, schedule, finish } = setup({ minGapMs: 0 });
    schedule.start();
    schedule.request();
    schedule.close();
    assert.equal(runs[0].signal.aborted, true);
    await finish(new Error('aborted'));
    schedule.request();
    await clock.tickAsync(3_600_000);
    assert.equal(runs.length, 1);
    assert.deepEqual(results, []);
  });
});
