// Call details for the roster's rows, in the background: a participant first seen without a
// number (found by a sweep, or named by a callback without From) gets its call looked up once,
// through the space's shared call cache, and its row is sent again when the answer comes.
import { callDetailsFor } from '../requests/call-details';
import type { SignalWireClient } from '../client/client';
import type { CallFacts } from './state';

interface Wanted {
  conferenceSid: string;
  callSid: string;
}

/**
 * A first-in first-out queue of lookups, at most the space's in-flight limit on the wire at a
 * time, so that a sweep finding a thousand new callers cannot fill the space's shared queue.
 * It holds at most one entry per participant the roster follows.
 */
export class DetailsLookups {
  private readonly queue: Wanted[] = [];
  private head = 0;
  private active = 0;
  private readonly concurrency: number;

  constructor(
    private readonly client: SignalWireClient,
    private readonly signal: AbortSignal,
    /** Whether the participant is still there when its turn comes (no request for someone gone). */
    private readonly wanted: (conferenceSid: string, callSid: string) => boolean,
    /** The answer; null fields when the lookup failed. */
    private readonly found: (conferenceSid: string, callSid: string, facts: CallFacts) => void,
  ) {
    this.concurrency = Math.max(1, client.settings.maxInFlight);
  }

  /** Lookups waiting or on the wire. */
  get pending(): number {
    return this.queue.length - this.head + this.active;
  }

  want(conferenceSid: string, callSid: string): void {
    if (this.signal.aborted) return;
    this.queue.push({ conferenceSid, callSid });
    this.pump();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.head < this.queue.length && !this.signal.aborted) {
      const next = this.queue[this.head++];
      // Drop what was taken once it is most of the array: each entry is moved once at most.
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (!this.wanted(next.conferenceSid, next.callSid)) continue;
      this.active++;
      callDetailsFor(this.client, next.callSid, this.signal).then(
        (details) => {
          this.active--;
          if (this.signal.aborted) return;
          this.found(next.conferenceSid, next.callSid, {
            from: details?.from ?? null,
            to: details?.to ?? null,
            callerName: details?.callerName ?? null,
            direction: details?.direction ?? null,
          });
          this.pump();
        },
        () => {
          // Aborted: the node closed.
          this.active--;
        },
      );
    }
    if (this.signal.aborted) {
      this.queue.length = 0;
      this.head = 0;
    }
  }
}
