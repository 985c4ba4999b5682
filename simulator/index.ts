// Public API of the simulator: a fake SignalWire space and a conference event driver.
export { FakeSpace, parseCallRoute, parseRoute } from './fake-space';
export type { ApiWrite, Fault, FakeSpaceOptions, RecordedRequest, PagingQuirk } from './fake-space';
export { CONFERENCE_KEYS, ConferenceRecords, parseConferenceRoute, parseConferencesRoute } from './fake-space';
export type { DateBounds, FakeConference } from './fake-space';
export { TwilioSpace, twilioSid } from './twilio-space';
export type { TwilioConference, TwilioParticipant, TwilioSpaceOptions } from './twilio-space';
export type { FakeParticipant } from './participants';
export { makeParticipant, participantUri, PARTICIPANT_KEYS } from './participants';
export type { CallFields, CallStatus, FakeCall } from './calls';
export { CALL_KEYS, callerNumber, formatNumber, SPACE_NUMBER } from './calls';
export { ConferenceSimulator } from './conference-sim';
export type { ConferenceSimulatorOptions, SignaturePort, SimEvent, SimEventResult, StatusCallbackEvent } from './conference-sim';
export { computeSignature, validateSignature, withDefaultPort, withoutDefaultPort } from './signature';
export type { SignedParams } from './signature';
export { apiError, MORE_INFO } from './errors';
export type { ApiErrorBody } from './errors';
export { rfc2822 } from './rfc2822';
