// Call details for participants: a participant object carries no phone number or name, its call
// does (`GET /Calls/{CallSid}`). Each call is looked up once and kept per space, so refreshing a
// list costs requests only for participants not seen before.
import { LRUCache } from 'lru-cache';
import type { SignalWireClient } from '../client/client';
import { isAbort } from '../shared/errors';
import { forEachConcurrently } from '../client/limiter';
import { isSafeSegment } from '../shared/rules';
import type { Call, CallDetails, Participant } from '../shared/types';

export type { CallDetails };

/**
 * Calls remembered per space, least recently used out first: far above a real conference, a few
 * MB at most. On lru-cache, so a lookup or an insert costs the same empty, full or after any churn.
 */
export const CALL_CACHE_SIZE = 10_000;
/** Longer values are not a number, a SIP address or a caller name: they are left out (null). */
const MAX_DETAIL_CHARS = 256;

interface SpaceCalls {
  cache: LRUCache<string, CallDetails>;
  /** Lookups on the wire, shared by listings that need the same call at once. */
  pending: Map<string, Promise<CallDetails | null>>;
}

// One per client (so per space config node); gone with the client when the config node is redeployed.
const spaces = new WeakMap<SignalWireClient, SpaceCalls>();

function spaceCalls(client: SignalWireClient, capacity = CALL_CACHE_SIZE): SpaceCalls {
  let s = spaces.get(client);
  if (!s) {
    s = { cache: new LRUCache<string, CallDetails>({ max: capacity }), pending: new Map() };
    spaces.set(client, s);
  }
  return s;
}

/** The call cache of a client; `capacity` only counts when the cache does not exist yet (tests). */
export function callDetailsCache(client: SignalWireClient, capacity = CALL_CACHE_SIZE): LRUCache<string, CallDetails> {
  return spaceCalls(client, capacity).cache;
}

/** A short text field from a server or a message; null when absent, not text or too long. */
export function detail(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value.length <= MAX_DETAIL_CHARS ? value : null;
}

function isoTime(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_DETAIL_CHARS) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The few fields of a call that tell a person who is on it. */
export function callDetailsOf(call: Call): CallDetails {
  return {
    from: detail(call.from),
    to: detail(call.to),
    callerName: detail(call.caller_name),
    direction: detail(call.direction),
    startTime: isoTime(call.start_time),
  };
}

/** One lookup on the wire; rejects only when it was aborted, otherwise null on failure. */
function startLookUp(client: SignalWireClient, s: SpaceCalls, callSid: string, signal?: AbortSignal): Promise<CallDetails | null> {
  const p = client.getCall(callSid, signal).then(
    (call) => {
      const details = callDetailsOf(call);
      s.cache.set(callSid, details);
      return details;
    },
    (err: unknown) => {
      // Closing the node ends the listing: that is not a failed lookup.
      if (signal?.aborted || isAbort(err)) throw err;
      return null; // not kept: the next listing asks again
    },
  );
  const forget = () => {
    if (s.pending.get(callSid) === p) s.pending.delete(callSid);
  };
  p.then(forget, forget);
  s.pending.set(callSid, p);
  return p;
}

/**
 * A call's details, looked up once however many listings ask at the same time; null when the
 * lookup fails. A lookup shared with a listing whose node closed meanwhile is made again.
 */
async function lookUp(client: SignalWireClient, s: SpaceCalls, callSid: string, signal?: AbortSignal): Promise<CallDetails | null> {
  const shared = s.pending.get(callSid);
  if (shared) {
    try {
      return await shared;
    } catch (err) {
      if (signal?.aborted) throw err;
      // Aborted for another listing: ask ourselves.
    }
  }
  try {
    return await startLookUp(client, s, callSid, signal);
  } catch (err) {
    if (signal?.aborted) throw err;
    return null;
  }
}

/**
 * The details of one call: from the space's cache, else looked up once (shared with anyone
 * asking for the same call at the same time); null when the lookup fails or the SID is not
 * one path segment. Rejects only when `signal` aborts.
 */
export async function callDetailsFor(client: SignalWireClient, callSid: string, signal?: AbortSignal): Promise<CallDetails | null> {
  if (!isSafeSegment(callSid)) return null;
  const s = spaceCalls(client);
  const found = s.cache.get(callSid) ?? (await lookUp(client, s, callSid, signal));
  return found && { ...found };
}

/**
 * Adds to each participant a `call` field with the details of its call (`null` when the lookup
 * failed or the participant has no usable call_sid); the API's own fields are left as they are.
 * Calls already known to the space cost no request; the others are looked up concurrently, at
 * most the space's in-flight limit at a time (so a large page cannot fill the shared queue).
 * Rejects only when `signal` aborts.
 */
export async function addCallDetails(client: SignalWireClient, participants: Participant[], signal?: AbortSignal): Promise<void> {
  const s = spaceCalls(client);
  // Read first: lookups of this page may push known calls out of a full cache meanwhile.
  const details = new Map<string, CallDetails | null>();
  const missing: string[] = [];
  for (const p of participants) {
    const sid = p.call_sid;
    if (typeof sid !== 'string' || !isSafeSegment(sid) || details.has(sid)) continue;
    const known = s.cache.get(sid);
    details.set(sid, known ?? null);
    if (!known) missing.push(sid);
  }
  await forEachConcurrently(missing, client.settings.maxInFlight, async (sid) => {
    details.set(sid, await lookUp(client, s, sid, signal));
  });
  for (const p of participants) {
    const d = typeof p.call_sid === 'string' ? details.get(p.call_sid) : undefined;
    // A copy each: a flow that changes one message's participant cannot change the cache.
    p.call = d ? { ...d } : null;
  }
}

/** Whether a node's `callDetails` setting is on (the editor saves a boolean; older flows lack it). */
export function callDetailsOn(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * The per-page step of a participant listing with call details on: each checked page gets its
 * calls before it is sent, so the *one message per page* mode keeps its memory flat, and a page
 * the listing refuses costs no lookups.
 */
export function callDetailsStep(client: SignalWireClient): (items: unknown[], signal?: AbortSignal) => Promise<void> {
  return (items, signal) => {
    const participants = items.filter((p): p is Participant => p !== null && typeof p === 'object' && !Array.isArray(p));
    return addCallDetails(client, participants, signal);
  };
}
