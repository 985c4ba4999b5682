// The live state of every conference the roster follows, kept from events and corrected by
// sweeps. Pure: no Node-RED, no timers, no I/O; what changed is told to a listener.
//
// Ordering. Conference callbacks carry no sequence number, only a Timestamp to the second, and
// arrive late, twice, out of order or never. Each participant keeps the Timestamp of the last
// event applied to it and the arrival number of the last input that changed it: an older event
// is ignored, an equal one is applied in arrival order, and a sweep only corrects what nothing
// changed since its request was sent. A leave and a conference's end are remembered for a
// while (bounded), so a late event never brings back someone who left, or an ended conference.
import { LRUCache } from 'lru-cache';
import type { CONFERENCE_EVENTS } from '../shared/rules';

/** Conferences followed at most; an event or a sweep naming one more is refused (a warning). */
export const MAX_CONFERENCES = 1000;
/** Participants per conference at most (the listing's own cap). */
export const MAX_PARTICIPANTS = 10_000;
/** Departed participants remembered at most, and for how long. */
export const DEPARTED_MAX = 50_000;
export const DEPARTED_TTL_MS = 10 * 60_000;
/** Ended conferences remembered at most, and for how long. */
export const ENDED_MAX = 10_000;
export const ENDED_TTL_MS = 60 * 60_000;
/**
 * A callback's Timestamp or a participant object's date_updated further ahead of this clock than
 * this is not believed (read as absent): a date in the future would make every later event look old.
 */
const MAX_AHEAD_MS = 60_000;

/** The conference status callbacks the roster reads: every one the events node knows. */
export type RosterEventKind = (typeof CONFERENCE_EVENTS)[number];

/** A conference status callback, as far as the roster reads it. */
export interface RosterEvent {
  kind: RosterEventKind;
  conferenceSid: string;
  /** Every participant event has one; the conference events have none. */
  callSid?: string;
  /** The callback's Timestamp, ms since the epoch; null when it had none (applied as it arrives). */
  at: number | null;
  friendlyName?: string;
  from?: string;
  to?: string;
  callerName?: string;
  /** The call's `Direction`: `inbound`, or `outbound...` for a call the space dialled out. */
  direction?: string;
  /** The participant's state as the callback reports it. */
  muted?: boolean;
  hold?: boolean;
  coaching?: boolean;
}

/** A participant object of the API (list, get or update participant), as far as the roster reads it. */
export interface ParticipantFacts {
  conferenceSid: string;
  callSid: string;
  muted?: boolean;
  hold?: boolean;
  coaching?: boolean;
  /** False for a participant whose status says it has left (`completed`). */
  present: boolean;
  /** date_created, ms; null when absent or unreadable. */
  joinedAt: number | null;
  /** date_updated, ms: the moment this object is true as of; null when absent or unreadable. */
  updatedAt: number | null;
}

/**
 * What a recording status callback, or a recording object of the API (the update or list
 * recordings node's answer), says about a conference's recording.
 */
export interface RecordingFacts {
  /** null: not named (the documented callback carries no ConferenceSid): the conference whose current recording it is. */
  conferenceSid: string | null;
  recordingSid: string;
  /** Recording (`in-progress`), `paused`, or `ended` (completed, absent, failed, stopped, deleted...): for good. */
  status: 'in-progress' | 'paused' | 'ended';
  /** The callback's Timestamp or the object's date_updated, ms; null when it had none. */
  at: number | null;
  /** From a status callback, whose `in-progress` says only that the recording started (none is sent on pause or resume). */
  callback: boolean;
}

/** A conference's recording that is on: `{ sid, status }` on its messages. */
export interface CurrentRecording {
  sid: string;
  status: 'in-progress' | 'paused';
  /** The latest Timestamp or date_updated applied to it, ms. */
  at: number;
}

/** A conference of the API's in-progress listing. */
export interface ListedConference {
  sid: string;
  friendlyName: string | null;
  /** date_created, ms; null when absent or unreadable. */
  startedAt: number | null;
}

/** What a caller looked up for a call: the number and name the row shows. */
export interface CallFacts {
  from: string | null;
  to: string | null;
  callerName: string | null;
  direction: string | null;
}

export interface Participant {
  readonly callSid: string;
  readonly conferenceSid: string;
  from: string | null;
  to: string | null;
  callerName: string | null;
  /** The call's direction: `outbound...` when the space dialled them (their number is `to`). */
  direction: string | null;
  muted: boolean;
  hold: boolean;
  speaking: boolean;
  coaching: boolean;
  /** When they joined, ms: from the join callback or the API's date_created, else a first guess. */
  joinedAt: number;
  /** False while joinedAt is a guess (the join was not seen): a late join or a sweep sets it. */
  joinKnown: boolean;
  /** The Timestamp (ms) of the last event applied; an older event changes nothing. */
  at: number;
  /** The arrival number of the last input that changed this participant. */
  seq: number;
  /** Set once its call details were asked for. */
  detailsAsked: boolean;
}

/**
 * A followed conference's status: `init` while its participants wait for a moderator (the API
 * said so when the sweep asked about it), else `in-progress`.
 */
export type LiveStatus = 'init' | 'in-progress';

export interface Conference {
  readonly sid: string;
  friendlyName: string | null;
  status: LiveStatus;
  /** The arrival number of the input that set `status` (an older answer does not change it). */
  statusSeq: number;
  /** When it started, ms: from conference-start or the API's date_created, else a first guess. */
  startedAt: number;
  startKnown: boolean;
  readonly participants: Map<string, Participant>;
  /** How many of its participants are speaking. */
  speaking: number;
  /** The recording that is on (recording or paused), else null. */
  recording: CurrentRecording | null;
  /** The last of its recordings seen ending: it never comes back. */
  recordingEnded: string | null;
  /** The arrival number of the last input that changed it or one of its participants. */
  seq: number;
  /** Its arrival number when created: the order of conferences that started the same second. */
  readonly order: number;
}

/** A conference as it was when it ended: the last message about it says so. */
export interface EndedConference {
  sid: string;
  friendlyName: string | null;
  startedAt: number;
}

/** What a sweep's listing of conferences in progress leaves it to do. */
export interface SweepConferences {
  /** Listed in progress: their participants are listed. */
  listed: string[];
  /**
   * Followed, not listed, and unchanged since the listing was asked for: ended, or waiting to
   * start (`init`, which the listing leaves out); the sweep asks the API about each.
   */
  missing: string[];
}

/** Taken before a sweep's request: what arrives after it is newer than the answer. */
export interface SweepMark {
  seq: number;
  /** This clock's time when the request was sent, ms. */
  at: number;
}

/** What the roster tells about its changes; every call comes once the state is consistent. */
export interface RosterListener {
  /** The rows of this conference changed (a participant, a field, its name or start). */
  rows(conferenceSid: string): void;
  /** The list of conferences changed: one started or ended, a head or speaker count, a name. */
  overview(): void;
  /** This conference has ended and was dropped. */
  ended(conference: EndedConference): void;
  /** An event named a conference or participant not known: a sweep would settle it. */
  sweep(): void;
  /** This participant has no number: its call's details are wanted (once). */
  details(conferenceSid: string, callSid: string): void;
  /** Not kept: the roster holds the most it may (`participants`: of that conference). */
  refused(what: 'conferences' | 'participants', conferenceSid: string): void;
}

export interface RosterOptions {
  maxConferences?: number;
  maxParticipants?: number;
  departedMax?: number;
  departedTtlMs?: number;
  endedMax?: number;
  endedTtlMs?: number;
  /** The clock, ms (tests pass their own). */
  now?: () => number;
}

interface Departure {
  /** When they left: the leave's Timestamp, or this clock's time when a sweep or a remove found them gone. */
  at: number;
  seq: number;
}

export class Roster {
  private readonly live = new Map<string, Conference>();
  /** The conference of each current recording (one per live conference at most). */
  private readonly recordingOf = new Map<string, string>();
  private readonly departed: LRUCache<string, Departure>;
  private readonly ended: LRUCache<string, true>;
  private readonly maxConferences: number;
  private readonly maxParticipants: number;
  private readonly now: () => number;
  private arrivals = 0;
  private created = 0;
  private people = 0;

  constructor(
    private readonly listener: RosterListener,
    options: RosterOptions = {},
  ) {
    this.maxConferences = options.maxConferences ?? MAX_CONFERENCES;
    this.maxParticipants = options.maxParticipants ?? MAX_PARTICIPANTS;
    this.now = options.now ?? (() => Date.now());
    // ttlResolution 0: lru-cache reads the clock when it checks, with no timer of its own.
    const perf = { now: this.now };
    this.departed = new LRUCache({ max: options.departedMax ?? DEPARTED_MAX, ttl: options.departedTtlMs ?? DEPARTED_TTL_MS, ttlResolution: 0, perf });
    this.ended = new LRUCache({ max: options.endedMax ?? ENDED_MAX, ttl: options.endedTtlMs ?? ENDED_TTL_MS, ttlResolution: 0, perf });
  }

  /** Conferences followed. */
  get conferenceCount(): number {
    return this.live.size;
  }

  /** Participants followed, in every conference. */
  get participantCount(): number {
    return this.people;
  }

  /** Departed participants, ended conferences and current recordings remembered (for the specs of the bounds). */
  get remembered(): { departed: number; ended: number; recordings: number } {
    return { departed: this.departed.size, ended: this.ended.size, recordings: this.recordingOf.size };
  }

  conference(sid: string): Conference | undefined {
    return this.live.get(sid);
  }

  conferences(): IterableIterator<Conference> {
    return this.live.values();
  }

  /** Before a sweep sends a request: inputs after this mark are newer than its answer. */
  mark(): SweepMark {
    return { seq: this.arrivals, at: this.now() };
  }

  /** A conference status callback. */
  event(event: RosterEvent): void {
    const seq = ++this.arrivals;
    const e = event.at !== null && !this.believable(event.at) ? { ...event, at: null } : event;
    if (this.ended.has(e.conferenceSid)) return;
    if (e.kind === 'conference-end') {
      this.end(e.conferenceSid);
      return;
    }
    let conf = this.live.get(e.conferenceSid);
    const unknown = !conf;
    if (!conf) {
      conf = this.addConference(e.conferenceSid, seq, e.kind === 'conference-start' ? e.at : null, e.at ?? this.now());
      if (!conf) return;
    }
    let rows = unknown;
    let overview = unknown;
    if (e.friendlyName !== undefined && e.friendlyName !== conf.friendlyName) {
      conf.friendlyName = e.friendlyName;
      rows = overview = true;
    }
    if (e.kind === 'conference-start') {
      if (e.at !== null && (!conf.startKnown || e.at !== conf.startedAt)) {
        conf.startedAt = e.at;
        rows = overview = true;
      }
      conf.startKnown ||= e.at !== null;
      if (conf.status !== 'in-progress') rows = overview = true;
      conf.status = 'in-progress';
      conf.seq = conf.statusSeq = seq;
    } else if (e.callSid !== undefined) {
      const change = this.participantEvent(conf, e, e.callSid, seq);
      rows ||= change !== Change.None;
      overview ||= change === Change.Overview;
    }
    if (rows) this.listener.rows(conf.sid);
    if (overview) this.listener.overview();
    // The start (or the joins) of this conference were not seen: only the API knows who is in it.
    if (unknown && e.kind !== 'conference-start') this.listener.sweep();
  }

  /** A participant object from the API (an update or get participant node's answer): true as it arrives. */
  participant(f: ParticipantFacts): void {
    const seq = ++this.arrivals;
    if (this.ended.has(f.conferenceSid)) return;
    if (!f.present) {
      this.leave(f.conferenceSid, f.callSid, seq, this.asOf(f) ?? this.now(), false);
      return;
    }
    let conf = this.live.get(f.conferenceSid);
    let p = conf?.participants.get(f.callSid);
    if (!p && !this.mayReturn(f.conferenceSid, f, Number.POSITIVE_INFINITY)) return;
    const unknown = !conf;
    if (!conf) {
      conf = this.addConference(f.conferenceSid, seq, null, this.now());
      if (!conf) return;
    }
    let change = Change.None;
    if (!p) {
      p = this.addParticipant(conf, f.callSid, seq, f.joinedAt ?? this.now(), f.joinedAt !== null);
      if (p) {
        this.takeFacts(p, f);
        change = Change.Overview;
      }
    } else if (this.takeFacts(p, f)) {
      change = Change.Rows;
    }
    if (p) {
      const asOf = this.asOf(f);
      if (asOf !== null && asOf > p.at) p.at = asOf;
      p.seq = conf.seq = seq;
      if (change === Change.Overview) this.askDetails(p);
    }
    this.told(conf, change, unknown);
    if (unknown) this.listener.sweep();
  }

  /** The update participant node removed this participant: gone now, before its leave callback. */
  removed(conferenceSid: string, callSid: string): void {
    const seq = ++this.arrivals;
    if (this.ended.has(conferenceSid)) return;
    this.leave(conferenceSid, callSid, seq, this.now(), false);
  }

  /** The details of a participant's call, once looked up: fills the number and name it lacks. */
  details(conferenceSid: string, callSid: string, facts: CallFacts): void {
    const p = this.live.get(conferenceSid)?.participants.get(callSid);
    if (!p) return;
    let changed = false;
    for (const field of CALL_FIELDS) {
      const value = facts[field];
      if (p[field] === null && value !== null) {
        p[field] = value;
        changed = true;
      }
    }
    if (changed) this.listener.rows(conferenceSid);
  }

  /**
   * The sweep's listing of conferences in progress, asked for after `mark`: one it lists is
   * followed (unless it ended here already) and in progress. A followed conference it leaves out
   * and nothing changed since the mark has ended or not started yet: the sweep asks the API
   * which (see `found` and `endConference`).
   */
  sweepConferences(listed: readonly ListedConference[], mark: SweepMark): SweepConferences {
    const names = new Set(listed.map((c) => c.sid));
    const missing: string[] = [];
    for (const conf of this.live.values()) {
      if (!names.has(conf.sid) && conf.seq <= mark.seq) missing.push(conf.sid);
    }
    const kept: string[] = [];
    let overview = false;
    for (const c of listed) {
      if (this.ended.has(c.sid)) continue;
      let conf = this.live.get(c.sid);
      let rows = false;
      if (!conf) {
        conf = this.addConference(c.sid, mark.seq, c.startedAt, c.startedAt ?? mark.at);
        if (!conf) continue;
        rows = overview = true;
      }
      if (c.friendlyName !== null && conf.friendlyName === null) {
        conf.friendlyName = c.friendlyName;
        rows = overview = true;
      }
      if (!conf.startKnown && c.startedAt !== null) {
        conf.startedAt = c.startedAt;
        conf.startKnown = true;
        rows = overview = true;
      }
      if (this.setStatus(conf, 'in-progress', mark)) rows = overview = true;
      if (rows) this.listener.rows(conf.sid);
      kept.push(conf.sid);
    }
    if (overview) this.listener.overview();
    return { listed: kept, missing };
  }

  /**
   * The API answered, after `mark`, that this conference is `init` or `in-progress`: it is
   * followed on (its status as the answer says, unless an event set it since). False when it is
   * no longer followed.
   */
  found(conferenceSid: string, status: LiveStatus, mark: SweepMark): boolean {
    const conf = this.live.get(conferenceSid);
    if (!conf) return false;
    if (this.setStatus(conf, status, mark)) this.told(conf, Change.Overview, false);
    return true;
  }

  /**
   * The sweep's listing of one conference's participants, asked for after `mark`: presence,
   * muted, hold and coaching are corrected where nothing arrived since the mark; `speaking`
   * (which the API does not hold) is left as the events set it.
   */
  sweepParticipants(conferenceSid: string, listed: readonly ParticipantFacts[], mark: SweepMark): void {
    const conf = this.live.get(conferenceSid);
    if (!conf) return;
    let change = Change.None;
    const seen = new Set<string>();
    for (const f of listed) {
      if (f.conferenceSid !== conferenceSid || !f.present || seen.has(f.callSid)) continue;
      seen.add(f.callSid);
      let p = conf.participants.get(f.callSid);
      if (!p) {
        if (!this.mayReturn(conferenceSid, f, mark.seq)) continue;
        p = this.addParticipant(conf, f.callSid, mark.seq, f.joinedAt ?? mark.at, f.joinedAt !== null);
        if (!p) continue;
        this.takeFacts(p, f);
        change = Change.Overview;
        this.askDetails(p);
      } else if (p.seq > mark.seq) {
        continue; // changed since the request went out: the answer is older
      } else if (this.takeFacts(p, f)) {
        change = Math.max(change, Change.Rows);
      }
      const asOf = this.asOf(f);
      if (asOf !== null && asOf > p.at) p.at = asOf;
    }
    // Deleting the entry being visited is safe in a Map's iteration.
    for (const p of conf.participants.values()) {
      if (!seen.has(p.callSid) && p.seq <= mark.seq) {
        this.remove(conf, p, Math.max(mark.at, p.at), mark.seq);
        change = Change.Overview;
      }
    }
    this.told(conf, change, false);
  }

  /** The API says this conference has ended (`completed`), or no longer knows it (404). */
  endConference(conferenceSid: string): void {
    this.end(conferenceSid);
  }

  /**
   * A recording's status, from a callback or an API object. Only for a conference followed: a
   * recording names nobody, so an unknown conference is neither created nor swept for (its
   * recording shows once a later callback or answer comes). Ended is final; the current
   * recording's other facts count by Timestamp (or date_updated), then arrival.
   */
  recording(f: RecordingFacts): void {
    const sid = f.conferenceSid ?? this.recordingOf.get(f.recordingSid);
    const conf = sid === undefined ? undefined : this.live.get(sid);
    if (!conf) return;
    const current = conf.recording;
    const at = f.at !== null && this.believable(f.at) ? f.at : null;
    if (f.status === 'ended') {
      conf.recordingEnded = f.recordingSid;
      if (current?.sid !== f.recordingSid) return;
      this.setRecording(conf, null);
    } else {
      if (conf.recordingEnded === f.recordingSid) return;
      if (current && at !== null && at < current.at) return;
      // Started, as the callback says: a pause or resume since is known only from the API's answers.
      if (f.callback && current?.sid === f.recordingSid && f.status === 'in-progress' && !(at !== null && at > current.at)) return;
      const latest = Math.max(at ?? Number.NEGATIVE_INFINITY, current?.sid === f.recordingSid ? current.at : Number.NEGATIVE_INFINITY);
      if (current?.sid === f.recordingSid && current.status === f.status) {
        current.at = latest;
        return;
      }
      this.setRecording(conf, { sid: f.recordingSid, status: f.status, at: latest });
    }
    this.told(conf, Change.Overview, false);
  }

  /** Forgets everything (the node closes). */
  clear(): void {
    this.live.clear();
    this.recordingOf.clear();
    this.departed.clear();
    this.ended.clear();
    this.people = 0;
  }

  // ---------------------------------------------------------------- inside

  /** A status the API answered after `mark`; true when it changed. */
  private setStatus(conf: Conference, status: LiveStatus, mark: SweepMark): boolean {
    if (conf.status === status || conf.statusSeq > mark.seq) return false;
    conf.status = status;
    return true;
  }

  private participantEvent(conf: Conference, e: RosterEvent, callSid: string, seq: number): Change {
    if (e.kind === 'participant-leave') {
      return this.leave(conf.sid, callSid, seq, e.at ?? this.now(), e.at !== null) ? Change.Overview : Change.None;
    }
    let p = conf.participants.get(callSid);
    let change = Change.None;
    let created = false;
    if (!p) {
      const gone = this.departed.get(key(conf.sid, callSid));
      // A late event of someone who left; one with no Timestamp cannot show it is newer.
      if (gone && (e.at === null || e.at <= gone.at)) return Change.None;
      p = this.addParticipant(conf, callSid, seq, e.at ?? this.now(), false);
      if (!p) return Change.None;
      change = Change.Overview;
      created = true;
      // Their join was lost: others' may be too.
      if (e.kind !== 'participant-join') this.listener.sweep();
    } else if (e.at !== null && e.at < p.at) {
      // Older than what was applied: no state from it, but a late join still tells when and who.
      return this.identity(p, e) ? Change.Rows : Change.None;
    }
    if (e.at !== null) p.at = e.at;
    p.seq = conf.seq = seq;
    const speaking = p.speaking;
    let rows = this.identity(p, e);
    // The callback's own report of the state, then what the event itself says.
    if (e.muted !== undefined) rows = setFlag(p, 'muted', e.muted) || rows;
    if (e.hold !== undefined) rows = setFlag(p, 'hold', e.hold) || rows;
    if (e.coaching !== undefined) rows = setFlag(p, 'coaching', e.coaching) || rows;
    switch (e.kind) {
      case 'participant-mute':
      case 'participant-unmute':
        rows = setFlag(p, 'muted', e.kind === 'participant-mute') || rows;
        break;
      case 'participant-hold':
      case 'participant-unhold':
        rows = setFlag(p, 'hold', e.kind === 'participant-hold') || rows;
        break;
      case 'participant-speech-start':
      case 'participant-speech-stop':
        rows = setFlag(p, 'speaking', e.kind === 'participant-speech-start') || rows;
        break;
      default:
        break;
    }
    if (p.speaking !== speaking) {
      conf.speaking += p.speaking ? 1 : -1;
      change = Change.Overview;
    }
    if (change === Change.None && rows) change = Change.Rows;
    if (created) this.askDetails(p);
    return change;
  }

  /** Who and when, from any participant event however late: only fills what is not known. */
  private identity(p: Participant, e: RosterEvent): boolean {
    let changed = false;
    if (e.kind === 'participant-join' && e.at !== null && (!p.joinKnown || e.at !== p.joinedAt)) {
      // The latest join applied is when they joined; a late one only replaces a guess.
      if (!p.joinKnown || e.at >= p.at) {
        p.joinedAt = e.at;
        p.joinKnown = true;
        changed = true;
      }
    }
    for (const field of CALL_FIELDS) {
      const value = e[field];
      if (value !== undefined && value !== p[field]) {
        p[field] = value;
        changed = true;
      }
    }
    return changed;
  }

  /** muted, hold, coaching and a better join time from an API object; true when a field changed. */
  private takeFacts(p: Participant, f: ParticipantFacts): boolean {
    let changed = false;
    if (f.muted !== undefined) changed = setFlag(p, 'muted', f.muted) || changed;
    if (f.hold !== undefined) changed = setFlag(p, 'hold', f.hold) || changed;
    if (f.coaching !== undefined) changed = setFlag(p, 'coaching', f.coaching) || changed;
    if (!p.joinKnown && f.joinedAt !== null) {
      p.joinKnown = true;
      changed = p.joinedAt !== f.joinedAt || changed;
      p.joinedAt = f.joinedAt;
    }
    return changed;
  }

  /**
   * Whether an API object may bring back a participant this roster saw leave: only when the
   * leave came before `markSeq` and the object was updated after it (they joined again).
   */
  private mayReturn(conferenceSid: string, f: ParticipantFacts, markSeq: number): boolean {
    const k = key(conferenceSid, f.callSid);
    const gone = this.departed.get(k);
    if (!gone) return true;
    const asOf = Math.max(this.asOf(f) ?? Number.NEGATIVE_INFINITY, f.joinedAt ?? Number.NEGATIVE_INFINITY);
    if (gone.seq > markSeq || !(asOf > gone.at)) return false;
    this.departed.delete(k);
    return true;
  }

  /** The moment an API object is true as of, when this clock can believe it. */
  private asOf(f: ParticipantFacts): number | null {
    return f.updatedAt !== null && this.believable(f.updatedAt) ? f.updatedAt : null;
  }

  private believable(at: number): boolean {
    return at <= this.now() + MAX_AHEAD_MS;
  }

  /**
   * A participant leaves (or is found gone): remembered, so their late events change nothing.
   * `ordered`: `at` is a callback's Timestamp, and a leave older than their last event is an
   * earlier stay (they joined again since); otherwise the leave is news as it arrives.
   */
  private leave(conferenceSid: string, callSid: string, seq: number, at: number, ordered: boolean): boolean {
    const k = key(conferenceSid, callSid);
    const conf = this.live.get(conferenceSid);
    const p = conf?.participants.get(callSid);
    if (!conf || !p) {
      const gone = this.departed.get(k);
      if (!gone || gone.at < at) this.departed.set(k, { at, seq });
      return false;
    }
    if (ordered && at < p.at) return false;
    this.remove(conf, p, Math.max(at, p.at), seq);
    conf.seq = seq;
    this.told(conf, Change.Overview, false);
    return true;
  }

  private remove(conf: Conference, p: Participant, at: number, seq: number): void {
    conf.participants.delete(p.callSid);
    this.people--;
    if (p.speaking) conf.speaking--;
    this.departed.set(key(conf.sid, p.callSid), { at, seq });
  }

  private end(sid: string): void {
    this.ended.set(sid, true);
    const conf = this.live.get(sid);
    if (!conf) return;
    this.drop(conf);
    this.listener.ended({ sid, friendlyName: conf.friendlyName, startedAt: conf.startedAt });
    this.listener.overview();
  }

  private drop(conf: Conference): void {
    this.setRecording(conf, null);
    this.live.delete(conf.sid);
    this.people -= conf.participants.size;
  }

  /** Sets a conference's current recording, keeping the index of recordings right. */
  private setRecording(conf: Conference, recording: CurrentRecording | null): void {
    if (conf.recording && this.recordingOf.get(conf.recording.sid) === conf.sid) this.recordingOf.delete(conf.recording.sid);
    conf.recording = recording;
    if (recording) this.recordingOf.set(recording.sid, conf.sid);
  }

  private addConference(sid: string, seq: number, startedAt: number | null, guess: number): Conference | undefined {
    if (this.live.size >= this.maxConferences) {
      this.listener.refused('conferences', sid);
      return undefined;
    }
    const conf: Conference = {
      sid,
      friendlyName: null,
      startedAt: startedAt ?? guess,
      startKnown: startedAt !== null,
      status: 'in-progress',
      statusSeq: seq,
      participants: new Map(),
      speaking: 0,
      recording: null,
      recordingEnded: null,
      seq,
      order: ++this.created,
    };
    this.live.set(sid, conf);
    return conf;
  }

  private addParticipant(conf: Conference, callSid: string, seq: number, joinedAt: number, joinKnown: boolean): Participant | undefined {
    if (conf.participants.size >= this.maxParticipants) {
      this.listener.refused('participants', conf.sid);
      return undefined;
    }
    const p: Participant = {
      callSid,
      conferenceSid: conf.sid,
      from: null,
      to: null,
      callerName: null,
      direction: null,
      muted: false,
      hold: false,
      speaking: false,
      coaching: false,
      joinedAt,
      joinKnown,
      at: Number.NEGATIVE_INFINITY,
      seq,
      detailsAsked: false,
    };
    conf.participants.set(callSid, p);
    conf.seq = Math.max(conf.seq, seq);
    this.people++;
    return p;
  }

  private askDetails(p: Participant): void {
    if (p.detailsAsked || p.from !== null) return;
    p.detailsAsked = true;
    this.listener.details(p.conferenceSid, p.callSid);
  }

  /** Tells the listener what changed in `conf` (`created`: the conference is new). */
  private told(conf: Conference, change: Change, created: boolean): void {
    if (change !== Change.None || created) this.listener.rows(conf.sid);
    if (change === Change.Overview || created) this.listener.overview();
  }
}

const enum Change {
  None,
  /** A row changed. */
  Rows,
  /** Who is there or who speaks changed: the rows and the overview. */
  Overview,
}

/** What a call tells of who is on it: from its callbacks, or its details looked up. */
const CALL_FIELDS = ['from', 'to', 'callerName', 'direction'] as const;

function key(conferenceSid: string, callSid: string): string {
  return `${conferenceSid} ${callSid}`;
}

/** Sets one of a participant's flags; true when it changed. */
function setFlag(p: Participant, flag: 'muted' | 'hold' | 'speaking' | 'coaching', value: boolean): boolean {
  if (p[flag] === value) return false;
  p[flag] = value;
  return true;
}
