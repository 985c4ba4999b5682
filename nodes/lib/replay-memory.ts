// The callbacks seen lately, so that a repeat is answered but not sent on twice.

export interface ReplayOptions {
  /** How long a callback is remembered, in ms (default ten minutes). */
  ttlMs?: number;
  /** How many callbacks are remembered at most; the oldest is forgotten first (default 10,000). */
  max?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

const REPLAY_TTL_MS = 10 * 60_000;
const REPLAY_MAX = 10_000;

/**
 * Remembers identities for a fixed time, with a cap on their number. Entries are kept in the
 * order they were first seen, which with one fixed lifetime is also the order they expire in:
 * expiring and evicting both work from the oldest end, so each call costs what it removes.
 */
export class ReplayMemory {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(options: ReplayOptions = {}) {
    this.ttlMs = options.ttlMs ?? REPLAY_TTL_MS;
    this.max = Math.max(1, options.max ?? REPLAY_MAX);
    this.now = options.now ?? (() => Date.now());
  }

  /**
   * True when `id` was remembered within the lifetime (a repeat); otherwise remembers it and
   * returns false.
   */
  repeated(id: string): boolean {
    const now = this.now();
    this.expire(now);
    const at = this.seen.get(id);
    if (at !== undefined) return true;
    while (this.seen.size >= this.max) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(id, now);
    return false;
  }

  get size(): number {
    return this.seen.size;
  }

  clear(): void {
    this.seen.clear();
  }

  private expire(now: number): void {
    for (const [id, at] of this.seen) {
      if (now - at < this.ttlMs) break;
      this.seen.delete(id);
    }
  }
}
