import { abortError } from './errors';

interface Waiter {
  start: () => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * At most `max` tasks run at once; the others wait in arrival order and none is dropped.
 * Written here rather than taken from p-limit because a waiting task must leave the queue
 * when its own node closes (its AbortSignal fires) without disturbing other nodes' tasks.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly max: number) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { start: resolve, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(abortError());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.active--;
      return;
    }
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
    next.start();
  }
}
