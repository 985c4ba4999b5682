// The parameters of a conference status callback and of a recording status callback as
// SignalWire POSTs them (API README, "Conference status callbacks" and "Conference recordings,
// coaching, limits"), built here only: the conference simulator and the benchmarks send these.
import { SPACE_NUMBER, type FakeCall } from '../api/calls';
import type { FakeParticipant } from '../api/participants';
import type { FakeRecording } from '../api/recordings';
import { rfc2822 } from '../api/rfc2822';

export type StatusCallbackEvent =
  | 'conference-start'
  | 'conference-end'
  | 'participant-join'
  | 'participant-leave'
  | 'participant-mute'
  | 'participant-unmute'
  | 'participant-hold'
  | 'participant-unhold'
  | 'participant-speech-start'
  | 'participant-speech-stop';

/** The conference a callback is about. */
export interface CallbackConference {
  sid: string;
  friendlyName: string;
}

/** What the parameters are read from: the space's project and its calls (a FakeSpace). */
export interface CallbackSource {
  readonly projectId: string;
  call(callSid: string): FakeCall | undefined;
}

/**
 * The form parameters of one callback: the conference's, and for a participant event the
 * participant's fields and the standard call parameters of its call. `Timestamp` is `at` in
 * RFC 2822, to the second (no sequence number: SignalWire sends none).
 */
export function conferenceCallbackParams(
  space: CallbackSource,
  event: StatusCallbackEvent,
  conference: CallbackConference,
  participant: FakeParticipant | null = null,
  at: number = Date.now(),
): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: space.projectId,
    ConferenceSid: conference.sid,
    FriendlyName: conference.friendlyName,
    StatusCallbackEvent: event,
    Timestamp: rfc2822(at),
    ApiVersion: '2010-04-01',
  };
  if (!participant) return params;
  const call = space.call(participant.call_sid);
  return {
    ...params,
    CallSid: participant.call_sid,
    Muted: String(participant.muted),
    Hold: String(participant.hold),
    EndConferenceOnExit: String(participant.end_conference_on_exit),
    StartConferenceOnEnter: String(participant.start_conference_on_enter),
    CallStatus: call?.status ?? participant.status,
    From: call?.from ?? '',
    To: call?.to ?? SPACE_NUMBER,
    Direction: call?.direction ?? 'inbound',
  };
}

/** The statuses a recording status callback reports (the spec's RecordingStatusCallbackPayload). */
export type RecordingCallbackStatus = 'in-progress' | 'completed' | 'absent';

/**
 * The form parameters of one recording status callback (`recordingStatusCallback` of a recorded
 * `<Conference>`): the spec's payload (AccountSid, CallSid: the call whose `<Conference>` started
 * the recording, RecordingSid, RecordingUrl, RecordingStatus, RecordingDuration, RecordingChannels,
 * RecordingSource), plus ConferenceSid and Timestamp, which the docs do not list but a conference
 * recording's callback carries (a receiver reads them when present).
 */
export function recordingCallbackParams(
  space: { readonly projectId: string; readonly url: string },
  recording: FakeRecording,
  status: RecordingCallbackStatus,
  callSid: string,
  at: number = Date.now(),
): Record<string, string> {
  return {
    AccountSid: space.projectId,
    CallSid: callSid,
    ConferenceSid: recording.conference_sid,
    RecordingSid: recording.sid,
    RecordingUrl: `${space.url}/api/laml/2010-04-01/Accounts/${encodeURIComponent(space.projectId)}/Recordings/${encodeURIComponent(recording.sid)}`,
    RecordingStatus: status,
    RecordingDuration: String(recording.duration),
    RecordingChannels: String(recording.channels),
    RecordingSource: recording.source,
    Timestamp: rfc2822(at),
  };
}
