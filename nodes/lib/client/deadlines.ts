// The deadlines of the client's attempts on the wire, on one timer.

/** Something that must end by `endsAt` (ms on the Date.now() clock); `expire` ends it. */
export interface Due {
  readonly endsAt: number;
  expire(): void;
}

/**
 * Items that each end at their own time, on one timer set for the earliest. A client has at
 * most its max in flight on the wire: a timer made and cleared for every request costs more
 * than looking over them when the timer fires. An item ended early is only forgotten: the
 * timer stays, fires at most once more, ends what is due then and is set again for the
 * earliest left, if any. It never keeps the process alive on its own (the requests do).
 */
export class Deadlines<T extends Due> {
  private readonly live = new Set<T>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  add(item: T): void {
    this.live.add(item);
    // Sooner than the timer waits for (an attempt cut to what is left of its request's deadline).
    if (item.endsAt < this.timerAt) this.arm(item.endsAt);
  }

  /** The item ended before its time. */
  delete(item: T): void {
    this.live.delete(item);
  }

  get size(): number {
    return this.live.size;
  }

  /** Forgets every item and stops the timer. */
  close(): void {
    this.live.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - Date.now()));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const item of this.live) {
      if (item.endsAt <= now) {
        this.live.delete(item);
        item.expire();
      } else if (item.endsAt < next) {
        next = item.endsAt;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
