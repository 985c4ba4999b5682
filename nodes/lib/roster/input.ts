// What the roster node reads from a message, and from the API's answers during a sweep: every
// value checked and bounded before it reaches the state.
import { detail } from '../requests/call-details';
import { toIsoTimestamp } from '../shared/timestamps';
import { badInput, describeValue } from '../shared/errors';
import { CONFERENCE_EVENTS, isSafeSegment } from '../shared/rules';
import { text } from '../shared/texts';
import { CURRENT_RECORDING_STATUSES } from '../requests/recording-writes';
import { type ListedConference, type ParticipantFacts, type RecordingFacts, type RosterEvent, type RosterEventKind } from './state';

export type Msg = Record<string, unknown>;

/** What one message asks of the roster. */
export type RosterInput =
  | { kind: 'refresh' }
  | { kind: 'ignored' }
  | { kind: 'event'; event: RosterEvent }
  | { kind: 'participants'; participants: ParticipantFacts[] }
  | { kind: 'removed'; conferenceSid: string; callSid: string }
  | { kind: 'recordings'; recordings: RecordingFacts[] }
  | { kind: 'conference'; conferenceSid: string; status: 'init' | 'in-progress' | 'completed' };

const EVENTS: ReadonlySet<string> = new Set(CONFERENCE_EVENTS);

/** Participant statuses that mean the participant has left (SignalWire `completed`, Twilio `complete`, `failed`). */
const GONE = new Set(['completed', 'complete', 'failed']);

/**
 * Recording statuses that mean it has ended for good: SignalWire's and Twilio's (`processing`
 * after a stop, `deleted`). `queued` and statuses not known are neither on nor ended.
 */
const RECORDING_ENDED = new Set(['completed', 'absent', 'failed', 'stopped', 'processing', 'deleted']);

/**
 * Reads a message: `msg.topic` "refresh"; an event of the conference events node (`msg.payload`
 * with `event` and `conferenceSid`), a recording status callback among them (`event`
 * `recording-<status>`, `recordingSid`); a participant object (`call_sid` and `conference_sid`)
 * or a recording object (`sid`, `conference_sid`, `status` and a `uri` under `/Recordings/`), or
 * an array of either; the update participant node's `{ removed: true, conferenceSid, callSid }`;
 * the update recording node's answer to a delete (`msg.payload` null, `msg.recordingSid`); a
 * conference object (the update or get conference node's answer: `sid`, `status`, a `uri` of
 * `/Conferences/{Sid}`), so an ended conference leaves the roster as soon as the API says so.
 * Conference events the roster has no use for, and recording statuses that say neither on nor
 * ended, are `ignored`. Anything else throws a bad-input error, and nothing of the message is
 * applied.
 */
export function readInput(msg: Msg): RosterInput {
  const topic = msg.topic;
  if (topic === 'refresh') return { kind: 'refresh' };
  const payload = msg.payload;
  if (payload === null && msg.recordingSid !== undefined) return deletedRecording(msg);
  if (Array.isArray(payload)) {
    // An empty list (a list node's answer for an empty conference) says nothing.
    if (payload.length === 0) return { kind: 'ignored' };
    const objects = payload.filter(isObject);
    if (objects.length === payload.length && objects.every(isRecordingObject)) return recordings(objects.map(recordingObjectFacts));
    const participants = objects.length === payload.length ? objects.map(participantFacts) : [];
    if (participants.length > 0 && participants.every((p) => p !== null)) return { kind: 'participants', participants: participants as ParticipantFacts[] };
    throw unreadable(payload);
  }
  if (!isObject(payload)) throw unreadable(payload);
  if (typeof payload.event === 'string' && /^recording(-|$)/.test(payload.event)) return readRecordingEvent(payload);
  if (typeof payload.event === 'string' && 'conferenceSid' in payload) return readEvent(payload, payload.event);
  // Before the participant test: a conference recording has a call_sid too (null).
  if (isRecordingObject(payload)) return recordings([recordingObjectFacts(payload)]);
  if (isConferenceObject(payload)) return conferenceObject(payload);
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

/** A conference object of the API: `sid`, `status`, and a `uri` that ends at `/Conferences/{Sid}` (a participant's or recording's goes on). */
function isConferenceObject(p: Msg): boolean {
  return typeof p.sid === 'string' && typeof p.status === 'string' && typeof p.uri === 'string' && /\/Conferences\/[^/]+?(\.json)?$/.test(p.uri) && !('conference_sid' in p);
}

/** A conference object's status, when it is one of the API's; any other is ignored. */
function conferenceObject(p: Msg): RosterInput {
  const conferenceSid = sid(p.sid, 'conferenceSid', 'msg.payload.sid');
  const status = p.status;
  return status === 'init' || status === 'in-progress' || status === 'completed' ? { kind: 'conference', conferenceSid, status } : { kind: 'ignored' };
}

/** A recording status callback from the conference events node: its status, when it says on or ended. */
function readRecordingEvent(payload: Msg): RosterInput {
  const recordingSid = sid(payload.recordingSid, 'recordingSid');
  const conferenceSid = payload.conferenceSid === undefined || payload.conferenceSid === null ? null : sid(payload.conferenceSid, 'conferenceSid');
  const status = recordingState(payload.recordingStatus);
  if (status === null) return { kind: 'ignored' };
  return { kind: 'recordings', recordings: [{ conferenceSid, recordingSid, status, at: toMs(payload.timestamp), callback: true }] };
}

/** A recording object of the API: `sid`, `conference_sid`, `status`, and a `uri` under `/Recordings/` (no participant or conference has that). */
function isRecordingObject(p: Msg): boolean {
  return typeof p.sid === 'string' && typeof p.conference_sid === 'string' && typeof p.status === 'string' && typeof p.uri === 'string' && p.uri.includes('/Recordings/');
}

/** A recording object's facts; null when its status says neither on nor ended. Its SIDs must be SIDs. */
function recordingObjectFacts(p: Msg): RecordingFacts | null {
  const recordingSid = sid(p.sid, 'recordingSid', 'msg.payload.sid');
  const conferenceSid = sid(p.conference_sid, 'conferenceSid', 'msg.payload.conference_sid');
  const status = recordingState(p.status);
  return status === null ? null : { conferenceSid, recordingSid, status, at: toMs(p.date_updated), callback: false };
}

/** The update recording node's answer to a delete: that recording has ended. */
function deletedRecording(msg: Msg): RosterInput {
  const recordingSid = sid(msg.recordingSid, 'recordingSid', 'msg.recordingSid');
  const conferenceSid = msg.conferenceSid === undefined ? null : sid(msg.conferenceSid, 'conferenceSid', 'msg.conferenceSid');
  return recordings([{ conferenceSid, recordingSid, status: 'ended', at: null, callback: false }]);
}

function recordings(facts: Array<RecordingFacts | null>): RosterInput {
  const known = facts.filter((f) => f !== null);
  return known.length > 0 ? { kind: 'recordings', recordings: known } : { kind: 'ignored' };
}

/** A recording's status as the roster keeps it: on (recording or paused), ended, or null (neither: queued, unknown). */
function recordingState(status: unknown): RecordingFacts['status'] | null {
  if (typeof status !== 'string') return null;
  if (status === 'paused') return 'paused';
  if (CURRENT_RECORDING_STATUSES.includes(status)) return 'in-progress';
  return RECORDING_ENDED.has(status) ? 'ended' : null;
}

function readEvent(payload: Msg, name: string): RosterInput {
  if (!EVENTS.has(name)) return { kind: 'ignored' };
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

function sid(value: unknown, field: 'conferenceSid' | 'callSid' | 'recordingSid', source = `msg.payload.${field}`): string {
  if (typeof value === 'string' && isSafeSegment(value)) return value;
  const label = text(`fields.${field}`);
  if (value === undefined || value === null || value === '') throw badInput('sid-missing', { field: label, source });
  throw badInput('sid-chars', { field: label, value: describeValue(value) });
}

function unreadable(payload: unknown) {
  return badInput('roster-input', { value: describeValue(payload) });
}

function isObject(value: unknown): value is Msg {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
