// What the roster node sends: a conference's rows for a table, the conference itself, and the
// list of live conferences; the state in words and the join time in the runtime's language.
import type { Translate } from '../shared/texts';
import type { Conference, CurrentRecording, EndedConference, LiveStatus, Participant } from './state';

/** One participant as a table shows it. */
export interface Row extends Pick<Participant, 'callSid' | 'conferenceSid' | 'from' | 'to' | 'callerName' | 'muted' | 'hold' | 'speaking' | 'coaching'> {
  /** Who the row is about: see callerOf. */
  caller: string;
  /** ISO 8601, UTC. */
  joinedAt: string;
  /** The time of day, with the zone it is written in ("11:05 PM EST"). */
  joined: string;
  /** In words: "speaking, on hold", "muted", "live"... */
  state: string;
}

/** `msg.conference` of output 1. */
export interface ConferenceInfo {
  sid: string;
  friendlyName: string | null;
  /** `init`: its participants wait for a moderator (startConferenceOnEnter false). */
  status: LiveStatus | 'completed';
  participants: number;
  startedAt: string;
  /** The recording that is on, for a console's "recording / paused / not recording": null when none. */
  recording: RecordingInfo | null;
}

/** A conference's current recording as the messages carry it. */
export interface RecordingInfo {
  sid: string;
  status: 'in-progress' | 'paused';
}

/** One live conference in output 2's list. */
export interface ConferenceSummary {
  sid: string;
  friendlyName: string | null;
  status: LiveStatus;
  participants: number;
  speaking: number;
  startedAt: string;
  recording: RecordingInfo | null;
}

/** The words of the state column and the language they are in. */
export interface StateWords {
  speaking: string;
  muted: string;
  hold: string;
  coaching: string;
  live: string;
  /** A BCP 47 tag for the time of day ("en-US", "de"); undefined: the host's. */
  locale: string | undefined;
}

/** The words of the runtime catalogue, in the runtime's language, with the language's own tag. */
export function stateWords(t: Translate): StateWords {
  return {
    speaking: t('roster.speaking'),
    muted: t('roster.muted'),
    hold: t('roster.hold'),
    coaching: t('roster.coaching'),
    live: t('roster.live'),
    locale: t('roster.locale'),
  };
}

/** Join times remembered by their minute, at most this many (then forgotten all at once). */
const MAX_MINUTES = 1000;

/** Turns state into words and times into the time of day, in one language and one time zone. */
export class RowFormat {
  /** The state text of each combination of speaking, muted, hold and coaching. */
  private readonly states: string[] = [];
  private readonly time: Intl.DateTimeFormat;
  private readonly clock: Intl.DateTimeFormat;
  /** The time of day depends only on the minute: each is written once. */
  private readonly minutes = new Map<number, string>();

  constructor(words: StateWords, timeZone: string | undefined) {
    for (let bits = 0; bits < 16; bits++) {
      const parts: string[] = [];
      if (bits & 1) parts.push(words.speaking);
      if (bits & 2) parts.push(words.muted);
      if (bits & 4) parts.push(words.hold);
      if (bits & 8) parts.push(words.coaching);
      this.states.push(parts.length > 0 ? parts.join(', ') : words.live);
    }
    const locale = usableLocale(words.locale);
    this.time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' });
    this.clock = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZone });
  }

  /** "11:05:03 PM": when something happened, for the node's status. */
  clockTime(ms: number): string {
    return this.clock.format(ms);
  }

  state(p: Participant): string {
    return this.states[(p.speaking ? 1 : 0) | (p.muted ? 2 : 0) | (p.hold ? 4 : 0) | (p.coaching ? 8 : 0)];
  }

  /** "11:05 PM EST", "23:05 MEZ": the time of day with its zone, so no viewer takes it for their own. */
  timeOfDay(ms: number): string {
    const minute = Math.floor(ms / 60_000);
    let found = this.minutes.get(minute);
    if (found === undefined) {
      found = this.time.format(minute * 60_000);
      if (this.minutes.size >= MAX_MINUTES) this.minutes.clear();
      this.minutes.set(minute, found);
    }
    return found;
  }

  row(p: Participant): Row {
    return {
      callSid: p.callSid,
      conferenceSid: p.conferenceSid,
      caller: callerOf(p),
      from: p.from,
      to: p.to,
      callerName: p.callerName,
      muted: p.muted,
      hold: p.hold,
      speaking: p.speaking,
      coaching: p.coaching,
      joinedAt: new Date(p.joinedAt).toISOString(),
      joined: this.timeOfDay(p.joinedAt),
      state: this.state(p),
    };
  }

  /** A conference's rows, oldest join first (then in the order the roster learnt of them). */
  rows(conf: Conference): Row[] {
    const people = [...conf.participants.values()].sort((a, b) => a.joinedAt - b.joinedAt);
    return people.map((p) => this.row(p));
  }
}

/**
 * Who a participant is, for a person: the caller name, else their number, else the CallSid. On a
 * call the space dialled out (direction `outbound`, `outbound-api`, `outbound-dial`...) the
 * person is the called party: their number is `to` (`from` is the space's own number) and a
 * caller name would name the space's side, so it is `to`, else the CallSid.
 */
function callerOf(p: Pick<Participant, 'callSid' | 'from' | 'to' | 'callerName' | 'direction'>): string {
  if (p.direction !== null && p.direction.startsWith('outbound')) return p.to ?? p.callSid;
  return p.callerName ?? p.from ?? p.callSid;
}

/** A tag Intl accepts, else undefined (the host's language). */
function usableLocale(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0 ? tag : undefined;
  } catch {
    return undefined;
  }
}

export function conferenceInfo(conf: Conference): ConferenceInfo {
  return {
    sid: conf.sid,
    friendlyName: conf.friendlyName,
    status: conf.status,
    participants: conf.participants.size,
    startedAt: iso(conf.startedAt),
    recording: recordingInfo(conf.recording),
  };
}

/** The conference of the last message about an ended conference. */
export function endedInfo(conf: EndedConference): ConferenceInfo {
  return { sid: conf.sid, friendlyName: conf.friendlyName, status: 'completed', participants: 0, startedAt: iso(conf.startedAt), recording: null };
}

/** Every live conference, oldest first. */
export function overview(conferences: Iterable<Conference>): ConferenceSummary[] {
  const all = [...conferences].sort((a, b) => a.startedAt - b.startedAt || a.order - b.order);
  return all.map((c) => ({
    sid: c.sid,
    friendlyName: c.friendlyName,
    status: c.status,
    participants: c.participants.size,
    speaking: c.speaking,
    startedAt: iso(c.startedAt),
    recording: recordingInfo(c.recording),
  }));
}

function recordingInfo(r: CurrentRecording | null): RecordingInfo | null {
  return r && { sid: r.sid, status: r.status };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
