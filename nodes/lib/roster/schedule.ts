// When the roster sweeps: once at deploy, then every interval, and when asked (a refresh, an
// event for a conference or participant it did not know). One sweep at a time: asking while
// one runs runs one more after it, however often it was asked; asked-for sweeps start at most
// once per minimum gap.

import { timers, type TimerOptions } from '../shared/coalescer';

export interface SweepScheduleOptions extends TimerOptions {
  /** Between the end of a sweep and the next, ms; 0: no periodic sweep. */
  intervalMs: number;
  /** Between the starts of two sweeps when one is asked for, ms. */
  minGapMs: number;
  /** One sweep; it stops when `signal` aborts. */
  run: (signal: AbortSignal) => Promise<unknown>;
  /** After each sweep that was not stopped by close(): undefined, or why it failed. */
  finished: (error: unknown) => void;
  /** The clock (tests pass their own). */
  now?: () => number;
}

export class SweepSchedule {
  private running = false;
  private again = false;
  private timer: unknown;
  private dueAt = Number.POSITIVE_INFINITY;
  private lastStart = Number.NEGATIVE_INFINITY;
  private closed = false;
  private controller: AbortController | undefined;
  private readonly set: (fn: () => void, ms: number) => unknown;
  private readonly clear: (timer: unknown) => void;
  private readonly now: () => number;

  constructor(private readonly options: SweepScheduleOptions) {
    ({ set: this.set, clear: this.clear } = timers(options));
    this.now = options.now ?? (() => Date.now());
  }

  /** Whether a sweep is running. */
  get busy(): boolean {
    return this.running;
  }

  /** The first sweep, at once. */
  start(): void {
    this.runNow();
  }

  /** A sweep soon: now, or when the running one ends, or once the minimum gap has passed. */
  request(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.arm(this.lastStart + this.options.minGapMs - this.now());
  }

  /** No sweep from now on; the one running is aborted. */
  close(): void {
    this.closed = true;
    this.disarm();
    this.controller?.abort();
    this.controller = undefined;
  }

  /** Runs a sweep after `delay` ms, unless one is due sooner. */
  private arm(delay: number): void {
    const ms = Math.max(0, delay);
    const due = this.now() + ms;
    if (this.timer !== undefined && this.dueAt <= due) return;
    this.disarm();
    this.dueAt = due;
    this.timer = this.set(() => {
      this.timer = undefined;
      this.dueAt = Number.POSITIVE_INFINITY;
      this.runNow();
    }, ms);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clear(this.timer);
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
  }

  private runNow(): void {
    if (this.closed || this.running) return;
    this.disarm();
    this.running = true;
    this.lastStart = this.now();
    const controller = new AbortController();
    this.controller = controller;
    let sweep: Promise<unknown>;
    try {
      sweep = this.options.run(controller.signal);
    } catch (err) {
      sweep = Promise.reject(err);
    }
    sweep.then(
      () => this.ended(controller, undefined),
      (err: unknown) => this.ended(controller, err ?? new Error('sweep failed')),
    );
  }

  private ended(controller: AbortController, error: unknown): void {
    this.running = false;
    if (this.controller === controller) this.controller = undefined;
    if (this.closed || controller.signal.aborted) return;
    this.options.finished(error);
    if (this.again) {
      this.again = false;
      this.request();
    } else if (this.options.intervalMs > 0) {
      this.arm(this.options.intervalMs);
    }
  }
}
