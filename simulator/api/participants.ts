// Participant state of one conference, with cursor paging that stays consistent while
// participants join and leave.
import { randomUUID } from 'node:crypto';
import { rfc2822 } from './rfc2822';

export interface FakeParticipant {
  account_sid: string;
  call_sid: string;
  call_sid_to_coach: string | null;
  coaching: boolean;
  conference_sid: string;
  date_created: string;
  date_updated: string;
  status: 'in-progress' | 'completed';
  end_conference_on_exit: boolean;
  muted: boolean;
  hold: boolean;
  start_conference_on_enter: boolean;
  uri: string;
}

// The participant fields in the order the API writes them (JSON.stringify keeps insertion order).
export const PARTICIPANT_KEYS: readonly (keyof FakeParticipant)[] = [
  'account_sid', 'call_sid', 'call_sid_to_coach', 'coaching', 'conference_sid', 'date_created',
  'date_updated', 'status', 'end_conference_on_exit', 'muted', 'hold', 'start_conference_on_enter', 'uri',
];

// Path segments that need no percent-encoding (UUIDs always qualify): skipping
// encodeURIComponent for them makes bulk creation of 100,000 participants about twice as fast.
const SAFE_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const enc = (s: string): string => (SAFE_SEGMENT.test(s) ? s : encodeURIComponent(s));

let lastPrefix = { account: '', conference: '', prefix: '' }; // bulk adds share one prefix

export function participantUri(accountSid: string, conferenceSid: string, callSid: string): string {
  if (lastPrefix.account !== accountSid || lastPrefix.conference !== conferenceSid) {
    const prefix = `/api/laml/2010-04-01/Accounts/${enc(accountSid)}/Conferences/${enc(conferenceSid)}/Participants/`;
    lastPrefix = { account: accountSid, conference: conferenceSid, prefix };
  }
  return `${lastPrefix.prefix}${enc(callSid)}.json`;
}

/** Builds a participant with exactly the API's fields, in the API's order; unknown keys in `fields` are dropped. */
export function makeParticipant(
  accountSid: string,
  conferenceSid: string,
  fields: Partial<FakeParticipant> = {},
  now: string = rfc2822(),
): FakeParticipant {
  const account = fields.account_sid ?? accountSid;
  const call = fields.call_sid ?? randomUUID();
  const coach = fields.call_sid_to_coach ?? null;
  return {
    account_sid: account,
    call_sid: call,
    call_sid_to_coach: coach,
    // Reference: "defaults to false unless call_sid_to_coach is defined".
    coaching: fields.coaching ?? coach !== null,
    conference_sid: conferenceSid,
    date_created: fields.date_created ?? now,
    date_updated: fields.date_updated ?? fields.date_created ?? now,
    status: fields.status ?? 'in-progress',
    end_conference_on_exit: fields.end_conference_on_exit ?? false,
    muted: fields.muted ?? false,
    hold: fields.hold ?? false,
    start_conference_on_enter: fields.start_conference_on_enter ?? true,
    uri: fields.uri ?? participantUri(account, conferenceSid, call),
  };
}

interface Entry {
  seq: number;
  p: FakeParticipant;
  gone: boolean;
}

export interface PageFilter {
  muted?: boolean;
  hold?: boolean;
}

/** PA<seq>: the items after seq. PB<seq>: the page of items just before seq. */
export interface Cursor {
  dir: 'A' | 'B';
  seq: number;
}

export interface PageResult {
  items: FakeParticipant[];
  /** PageToken seq for the next page (PA), or null when no matching item follows this page. */
  nextSeq: number | null;
  /** PageToken seq for the previous page (PB); the caller decides whether a previous page exists. */
  prevSeq: number;
}

export class ConferenceState {
  // Sorted by seq because seqs only grow and new entries are appended. Removed entries stay as
  // tombstones until enough pile up, so removal is O(1) and cursors stay valid.
  private entries: Entry[] = [];
  private readonly bySid = new Map<string, Entry>();
  private tombstones = 0;
  private nextSeq = 1;

  constructor(readonly sid: string) {}

  get size(): number {
    return this.bySid.size;
  }

  has(callSid: string): boolean {
    return this.bySid.has(callSid);
  }

  get(callSid: string): FakeParticipant | undefined {
    return this.bySid.get(callSid)?.p;
  }

  add(p: FakeParticipant): void {
    if (this.bySid.has(p.call_sid)) throw new Error(`participant ${p.call_sid} is already in conference ${this.sid}`);
    const e: Entry = { seq: this.nextSeq++, p, gone: false };
    this.entries.push(e);
    this.bySid.set(p.call_sid, e);
  }

  remove(callSid: string): boolean {
    const e = this.bySid.get(callSid);
    if (!e) return false;
    e.gone = true;
    this.bySid.delete(callSid);
    this.tombstones++;
    // Compact when at least half the array is tombstones: amortised O(1) per removal.
    if (this.tombstones >= 64 && this.tombstones * 2 >= this.entries.length) {
      this.entries = this.entries.filter((x) => !x.gone);
      this.tombstones = 0;
    }
    return true;
  }

  clear(): void {
    this.entries = [];
    this.bySid.clear();
    this.tombstones = 0;
  }

  all(): FakeParticipant[] {
    const out: FakeParticipant[] = [];
    for (const e of this.entries) if (!e.gone) out.push(e.p);
    return out;
  }

  /** Index of the first entry whose seq is >= seq (binary search). */
  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private matches(e: Entry, f: PageFilter): boolean {
    return !e.gone && (f.muted === undefined || e.p.muted === f.muted) && (f.hold === undefined || e.p.hold === f.hold);
  }

  /** Index of the first matching entry at or after `from`, or -1. */
  private findFrom(from: number, f: PageFilter): number {
    const es = this.entries;
    for (let i = from; i < es.length; i++) if (this.matches(es[i], f)) return i;
    return -1;
  }

  page(filter: PageFilter, pageSize: number, cursor: Cursor | null): PageResult {
    const es = this.entries;
    const items: FakeParticipant[] = [];
    if (!cursor || cursor.dir === 'A') {
      const after = cursor ? cursor.seq : 0;
      let first = -1;
      let last = -1;
      for (let i = this.lowerBound(after + 1); i < es.length && items.length < pageSize; i++) {
        if (this.matches(es[i], filter)) {
          items.push(es[i].p);
          if (first < 0) first = i;
          last = i;
        }
      }
      const more = last >= 0 && items.length === pageSize && this.findFrom(last + 1, filter) >= 0;
      return {
        items,
        nextSeq: more ? es[last].seq : null,
        prevSeq: first >= 0 ? es[first].seq : after + 1,
      };
    }
    // Backward: the last pageSize matching items before cursor.seq.
    const end = this.lowerBound(cursor.seq);
    let lastIdx = -1;
    let firstIdx = -1;
    for (let i = end - 1; i >= 0 && items.length < pageSize; i--) {
      if (this.matches(es[i], filter)) {
        items.push(es[i].p);
        if (lastIdx < 0) lastIdx = i;
        firstIdx = i;
      }
    }
    items.reverse();
    const nextIdx = this.findFrom(lastIdx >= 0 ? lastIdx + 1 : end, filter);
    return {
      items,
      nextSeq: nextIdx < 0 ? null : lastIdx >= 0 ? es[lastIdx].seq : cursor.seq - 1,
      prevSeq: firstIdx >= 0 ? es[firstIdx].seq : cursor.seq,
    };
  }
}
