import { abortError, SignalWireError } from '../shared/errors';

/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  start: (release: Release) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  timer?: NodeJS.Timeout;
  /** Its neighbours in the queue, while it waits. */
  prev?: Waiter;
  next?: Waiter;
  waiting: boolean;
}

/**
 * The waiters in arrival order, linked through themselves: joining, taking the first and leaving
 * from anywhere (a deadline, a closed node) cost the same however many wait. An array cost
 * O(n) for each of the last two: with 100,000 queued (the most *Max queued* allows), a node's
 * close that let them all go blocked the event loop for 40 to 60 s on this project's machine.
 */
class WaitQueue {
  private first: Waiter | undefined;
  private last: Waiter | undefined;
  size = 0;

  push(waiter: Waiter): void {
    waiter.prev = this.last;
    waiter.next = undefined;
    if (this.last) this.last.next = waiter;
    else this.first = waiter;
    this.last = waiter;
    waiter.waiting = true;
    this.size++;
  }

  shift(): Waiter | undefined {
    const waiter = this.first;
    if (waiter) this.remove(waiter);
    return waiter;
  }

  remove(waiter: Waiter): void {
    if (!waiter.waiting) return;
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.first = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.last = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    waiter.waiting = false;
    this.size--;
  }
}

/** When a waiting request must give up, and the error it then gets. */
export interface Deadline {
  at: number;
  error: () => SignalWireError;
}

/**
 * The in-flight limit of one space. A request holds a slot only while it is on the wire (a
 * message waiting out a backoff holds none); at most `max` are out at once and the others wait
 * in arrival order, at most `maxQueued` of them. When the space asks to slow down (429 with
 * Retry-After) it is paused: no request starts until the pause is over, whichever node sent it.
 * Written here rather than taken from p-limit because a waiting request must leave the queue
 * when its own node closes (its AbortSignal fires) without disturbing other nodes' requests.
 */
export class Limiter {
  private active = 0;
  private readonly waiting = new WaitQueue();
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly max: number,
    readonly maxQueued = Number.POSITIVE_INFINITY,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.size;
  }

  get paused(): boolean {
    return this.pausedUntil > Date.now();
  }

  /**
   * Waits for a free slot (and for the end of a pause); resolves to the function that frees
   * it. Gives up with the deadline's error if that comes first. Nothing is scheduled when a
   * slot is free at once.
   */
  acquire(signal?: AbortSignal, deadline?: Deadline): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (deadline && Date.now() >= deadline.at) return Promise.reject(deadline.error());
    const free = this.tryAcquire();
    if (free) return Promise.resolve(free);
    if (this.waiting.size >= this.maxQueued) {
      return Promise.reject(new SignalWireError('queue-full', 'queue-full', { count: this.maxQueued }));
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { start: resolve, signal, waiting: false };
      const leave = (err: SignalWireError) => {
        this.waiting.remove(waiter);
        this.forget(waiter);
        reject(err);
      };
      if (signal) {
        waiter.onAbort = () => leave(abortError());
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (deadline) waiter.timer = setTimeout(() => leave(deadline.error()), deadline.at - Date.now());
      this.waiting.push(waiter);
    });
  }

  /**
   * A slot at once, without a promise, when one is free, no pause holds and nobody waits
   * (the common case); otherwise undefined, and the caller queues with `acquire`.
   */
  tryAcquire(): Release | undefined {
    if (this.active >= this.max || this.waiting.size > 0 || this.paused) return undefined;
    this.active++;
    return this.releaser();
  }

  /** No request starts for `ms` (a later, longer pause extends it; a shorter one does not cut it). */
  pause(ms: number): void {
    const until = Date.now() + ms;
    if (ms <= 0 || until <= this.pausedUntil) return;
    this.pausedUntil = until;
    clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => {
      // The latest pause's timer: the pause is over, even if the clock reads a hair early.
      this.pauseTimer = undefined;
      this.pausedUntil = 0;
      this.drain();
    }, ms);
    this.pauseTimer.unref();
  }

  /** Ends a pause early and forgets its timer (the space node closes). */
  close(): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    this.pausedUntil = 0;
  }

  /**
   * Drops a waiter's abort listener and deadline timer. Once the signal has fired its listeners
   * are gone (`once`): removing each again would walk the signal's list, which all the waiters of
   * a node share, once per waiter.
   */
  private forget(waiter: Waiter): void {
    if (waiter.onAbort && waiter.signal && !waiter.signal.aborted) waiter.signal.removeEventListener('abort', waiter.onAbort);
    clearTimeout(waiter.timer);
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.max && this.waiting.size > 0 && !this.paused) {
      const next = this.waiting.shift()!;
      this.forget(next);
      this.active++;
      next.start(this.releaser());
    }
  }
}

/**
 * Runs `each` over `items` in their order, at most `limit` at a time (a space's in-flight limit:
 * more would only wait in its queue, and could fill it). After the first rejection no further
 * item is started; those running are let finish, then it rejects with that first error.
 */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      try {
        await each(items[next++]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(items.length, Math.max(1, limit)) }, lane));
  if (failure) throw failure.error;
}
