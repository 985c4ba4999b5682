// Recording status callbacks (set with `recordingStatusCallback`), which the conference events
// node accepts on its path beside the conference status callbacks: signed the same way, told
// apart by carrying RecordingSid and RecordingStatus and no StatusCallbackEvent.
import { param, toConferenceEvent, type ConferenceEvent } from './parsing';
import type { CallbackParams } from './signature';
import { recordingStatusToken } from '../shared/rules';

/** A recording status callback as output 1 sends it. */
export interface RecordingEvent {
  /** `recording-<status>`, or `recording` when the status is not a plain token. */
  topic: string;
  recordingSid: string;
  conferenceSid: string | undefined;
  payload: ConferenceEvent;
}

/**
 * The callback as a recording event, or undefined when it is not a recording status callback.
 * Its topic is made only of a status that is a plain token (see recordingStatusToken): a status
 * such as "completed\nx" or 10,000 characters long gives the topic `recording` and a null
 * `recordingStatus` (the raw text stays on msg.callback). The payload is the callback's typed
 * fields (`recordingDuration`, `recordingChannels` as numbers), led by `event` (the topic).
 */
export function toRecordingEvent(params: CallbackParams): RecordingEvent | undefined {
  if (params.has('StatusCallbackEvent')) return undefined;
  const recordingSid = param(params, 'RecordingSid');
  const raw = param(params, 'RecordingStatus');
  if (!recordingSid || raw === undefined) return undefined;
  const status = recordingStatusToken(raw);
  const topic = status === undefined ? 'recording' : `recording-${status}`;
  // `event` first, as in a conference event's payload; the callback has no field of that name.
  const payload: ConferenceEvent = { event: topic };
  Object.assign(payload, toConferenceEvent(params));
  payload.event = topic;
  payload.recordingStatus = status ?? null;
  return { topic, recordingSid, conferenceSid: param(params, 'ConferenceSid') || undefined, payload };
}
