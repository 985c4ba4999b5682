// Output 2 of the conference events node: per conference, at most one message per window.

/** Timer functions (tests pass fake ones). */
export interface TimerOptions {
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (timer: unknown) => void;
}

/** The given timer functions, else Node's, whose timers never keep the process alive. */
export function timers(options: TimerOptions): { set: (fn: () => void, ms: number) => unknown; clear: (timer: unknown) => void } {
  return {
    set:
      options.setTimeout ??
      ((fn, ms) => {
        const timer = setTimeout(fn, ms);
        timer.unref?.();
        return timer;
      }),
    clear: options.clearTimeout ?? ((timer) => clearTimeout(timer as NodeJS.Timeout)),
  };
}

export interface CoalescerOptions extends TimerOptions {
  /** Conferences with an open window at most; beyond it a callback is passed on at once. */
  maxKeys?: number;
}

const COALESCE_MAX_KEYS = 10_000;

interface Window<T> {
  timer: unknown;
  latest: T | undefined;
  /** Values that arrived since the window opened, after the one passed on. */
  merged: number;
}

/**
 * Per key, the first value is passed on at once and opens a window of `windowMs`; values that
 * arrive inside it replace each other, and at its end the latest is passed on (with how many it
 * stands for) and a new window opens. A window that ends with nothing new closes, so an idle key
 * is forgotten. A storm of N values over T ms thus gives about T / windowMs outputs, and the
 * last value is always passed on. With `windowMs` 0 every value is passed on at once.
 */
export class Coalescer<T> {
  private readonly open = new Map<string, Window<T>>();
  private readonly maxKeys: number;
  private readonly set: (fn: () => void, ms: number) => unknown;
  private readonly clear: (timer: unknown) => void;
  private closed = false;

  constructor(
    private readonly windowMs: number,
    private readonly emit: (key: string, value: T, count: number) => void,
    options: CoalescerOptions = {},
  ) {
    this.maxKeys = options.maxKeys ?? COALESCE_MAX_KEYS;
    ({ set: this.set, clear: this.clear } = timers(options));
  }

  push(key: string, value: T): void {
    if (this.closed) return;
    const window = this.open.get(key);
    if (window) {
      window.latest = value;
      window.merged++;
      return;
    }
    if (this.windowMs > 0 && this.open.size < this.maxKeys) {
      this.open.set(key, { timer: this.set(() => this.end(key), this.windowMs), latest: undefined, merged: 0 });
    }
    this.emit(key, value, 1);
  }

  /** Conferences with an open window. */
  get size(): number {
    return this.open.size;
  }

  /** Stops every window; nothing more is passed on. */
  close(): void {
    this.closed = true;
    for (const w of this.open.values()) this.clear(w.timer);
    this.open.clear();
  }

  private end(key: string): void {
    const window = this.open.get(key);
    if (!window || this.closed) return;
    if (window.merged === 0) {
      this.open.delete(key);
      return;
    }
    const { latest, merged } = window;
    window.latest = undefined;
    window.merged = 0;
    window.timer = this.set(() => this.end(key), this.windowMs);
    this.emit(key, latest as T, merged);
  }
}
