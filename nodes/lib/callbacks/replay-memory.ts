// The callbacks seen lately, so that a repeat is answered but not sent on twice.
import { LRUCache } from 'lru-cache';

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
 * Remembers identities for a fixed time, with a cap on their number, on lru-cache: each call
 * costs the same whether the memory is empty, full or has seen a million identities (a Map
 * whose oldest key is dropped with `keys().next()` slows down once full). A repeat is only
 * looked at (`has` leaves the order alone), so the order is the order of first sight, which
 * with one fixed lifetime is also the order of expiry: the cap pushes out the oldest.
 */
export class ReplayMemory {
  private readonly seen: LRUCache<string, true>;

  constructor(options: ReplayOptions = {}) {
    // The wall clock, read when used (a test that fakes Date moves it).
    const now = options.now ?? (() => Date.now());
    this.seen = new LRUCache<string, true>({
      max: Math.max(1, options.max ?? REPLAY_MAX),
      // Stale once older than ttl: remembered while younger than the lifetime (a millisecond clock).
      ttl: Math.max(1, (options.ttlMs ?? REPLAY_TTL_MS) - 1),
      // No timers: an expired identity is simply not a repeat, and its place is taken in turn.
      ttlAutopurge: false,
      // The clock read on every call, not a cached one (a test's clock moves by itself).
      ttlResolution: 0,
      perf: { now },
    });
  }

  /**
   * True when `id` was remembered within the lifetime (a repeat); otherwise remembers it and
   * returns false.
   */
  repeated(id: string): boolean {
    if (this.seen.has(id)) return true;
    this.seen.set(id, true);
    return false;
  }

  /** Identities held, expired ones not yet pushed out included (at most `max`). */
  get size(): number {
    return this.seen.size;
  }

  clear(): void {
    this.seen.clear();
  }
}
