// What the roster node reads from a message, and from the API's answers during a sweep: every
// value checked and bounded before it reaches the state.
import { detail } from '../call-details';
import { toIsoTimestamp } from '../callback-parsing';
import { badInput, describeValue } from '../errors';
import { CONFERENCE_EVENTS, isSafeSegment } from '../rules';
import { text } from '../texts';
import { type ListedConference, type ParticipantFacts, type RosterEvent, type RosterEventKind } from './state';

export type Msg = Record<string, unknown>;

/** What one message asks of the roster. */
export type RosterInput =
  | { kind: 'refresh' }
  | { kind: 'ignored' }
  | { kind: 'event'; event: RosterEvent }
  | { kind: 'participants'; participants: ParticipantFacts[] }
  | { kind: 'removed'; conferenceSid: string; callSid: string };

const EVENTS: ReadonlySet<string> = new Set(CONFERENCE_EVENTS);

/** Participant statuses that mean the participant has left (SignalWire `completed`, Twilio `complete`, `failed`). */
const GONE = new Set(['completed', 'complete', 'failed']);

/**
 * Reads a message: `msg.topic` "refresh"; an event of the conference events node (`msg.payload`
 * with `event` and `conferenceSid`); a participant object (`call_sid` and `conference_sid`), or
 * an array of them; the update participant node's `{ removed: true, conferenceSid, callSid }`.
 * Recording events and conference events the roster has no use for are `ignored`. Anything
 * else throws a bad-input error, and nothing of the message is applied.
 */
export function readInput(msg: Msg): RosterInput {
  const topic = msg.topic;
  if (topic === 'refresh') return { kind: 'refresh' };
  if (typeof topic === 'string' && topic.startsWith('recording-')) return { kind: 'ignored' };
  const payload = msg.payload;
  if (Array.isArray(payload)) {
    // An empty list (a list participants node's answer for an empty conference) says nothing.
    if (payload.length === 0) return { kind: 'ignored' };
    const participants = payload.map((item) => (isObject(item) ? participantFacts(item) : null));
    if (participants.every((p) => p !== null)) return { kind: 'participants', participants: participants as ParticipantFacts[] };
    throw unreadable(payload);
  }
  if (!isObject(payload)) throw unreadable(payload);
  if (typeof payload.event === 'string' && 'conferenceSid' in payload) return readEvent(payload, payload.event);
  if ('call_sid' in payload && 'conference_sid' in payload) {
    const facts = participantFacts(payload);
    if (facts) return { kind: 'participants', participants: [facts] };
    throw unreadable(payload);
  }
  if (payload.removed === true) {
    return { kind: 'removed', conferenceSid: sid(payload.conferenceSid, 'conferenceSid'), callSid: sid(payload.callSid, 'callSid') };
  }
  throw unreadable(payload);
}

function readEvent(payload: Msg, name: string): RosterInput {
  if (name.startsWith('recording-') || !EVENTS.has(name)) return { kind: 'ignored' };
  const kind = name as RosterEventKind;
  const event: RosterEvent = { kind, conferenceSid: sid(payload.conferenceSid, 'conferenceSid'), at: toMs(payload.timestamp) };
  if (kind !== 'conference-start' && kind !== 'conference-end') event.callSid = sid(payload.callSid, 'callSid');
  const friendlyName = detail(payload.friendlyName);
  if (friendlyName !== null) event.friendlyName = friendlyName;
  for (const field of ['from', 'to', 'callerName', 'direction'] as const) {
    const value = detail(payload[field]);
    if (value !== null) event[field] = value;
  }
  for (const field of ['muted', 'hold', 'coaching'] as const) {
    const value = payload[field];
    if (typeof value === 'boolean') event[field] = value;
  }
  return { kind: 'event', event };
}

/** A participant object of the API; null when its call_sid or conference_sid is not a SID. */
export function participantFacts(p: Msg): ParticipantFacts | null {
  const callSid = p.call_sid;
  const conferenceSid = p.conference_sid;
  if (typeof callSid !== 'string' || !isSafeSegment(callSid) || typeof conferenceSid !== 'string' || !isSafeSegment(conferenceSid)) return null;
  const facts: ParticipantFacts = {
    conferenceSid,
    callSid,
    present: !(typeof p.status === 'string' && GONE.has(p.status)),
    joinedAt: toMs(p.date_created),
    updatedAt: toMs(p.date_updated),
  };
  for (const field of ['muted', 'hold', 'coaching'] as const) {
    const value = p[field];
    if (typeof value === 'boolean') facts[field] = value;
  }
  return facts;
}

/** A conference of the in-progress listing; null when it has no usable SID or is not in progress. */
export function listedConference(c: unknown): ListedConference | null {
  if (!isObject(c) || typeof c.sid !== 'string' || !isSafeSegment(c.sid)) return null;
  // A server that ignored the Status filter: only what is in progress is.
  if (c.status !== undefined && c.status !== 'in-progress') return null;
  return { sid: c.sid, friendlyName: detail(c.friendly_name), startedAt: toMs(c.date_created) };
}

/** An RFC 2822 or ISO 8601 date as ms since the epoch; null when it is neither. */
function toMs(value: unknown): number | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  const iso = toIsoTimestamp(value);
  return iso === null ? null : Date.parse(iso);
}

function sid(value: unknown, field: 'conferenceSid' | 'callSid'): string {
  if (typeof value === 'string' && isSafeSegment(value)) return value;
  const label = text(`fields.${field}`);
  if (value === undefined || value === null || value === '') throw badInput('sid-missing', { field: label, source: `msg.payload.${field}` });
  throw badInput('sid-chars', { field: label, value: describeValue(value) });
}

function unreadable(payload: unknown) {
  return badInput('roster-input', { value: describeValue(payload) });
}

function isObject(value: unknown): value is Msg {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
