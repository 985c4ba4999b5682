// The calls of a fake space: what `GET /Accounts/{AccountSid}/Calls/{Sid}` answers. A participant
// object carries no phone number or caller name; they are on the participant's call.
import { rfc2822 } from './rfc2822';

/** A call object exactly as the vendor spec (`CallResponse`) describes it, in its field order. */
export interface FakeCall {
  sid: string;
  account_sid: string;
  date_created: string;
  date_updated: string;
  parent_call_sid: string | null;
  to: string;
  formatted_to: string;
  to_formatted: string;
  from: string;
  formatted_from: string;
  from_formatted: string;
  phone_number_sid: string | null;
  status: CallStatus;
  start_time: string | null;
  end_time: string | null;
  duration: number;
  price: number | null;
  price_unit: string;
  direction: 'inbound' | 'outbound';
  answered_by: 'human' | 'machine' | null;
  api_version: string;
  forwarded_from: string | null;
  /** The vendor spec: "Always null". Set only to imitate a Twilio-compatible service with CNAM. */
  caller_name: string | null;
  uri: string;
  subresource_uris: { notifications: string | null; recordings: string };
  annotation: string | null;
  group_sid: string | null;
  audio_in_mos: number | null;
  sip_result_code: string | null;
  audio_rtt_avg: number | null;
  audio_rtt_min: number | null;
  audio_rtt_max: number | null;
  audio_out_jitter_min: number | null;
  audio_out_jitter_max: number | null;
  audio_out_jitter_avg: number | null;
  audio_out_lost: number | null;
}

export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'canceled' | 'completed' | 'busy' | 'failed' | 'no-answer';

// The call fields in the order the spec lists them (JSON.stringify keeps insertion order).
export const CALL_KEYS: readonly (keyof FakeCall)[] = [
  'sid', 'account_sid', 'date_created', 'date_updated', 'parent_call_sid', 'to', 'formatted_to', 'to_formatted',
  'from', 'formatted_from', 'from_formatted', 'phone_number_sid', 'status', 'start_time', 'end_time', 'duration',
  'price', 'price_unit', 'direction', 'answered_by', 'api_version', 'forwarded_from', 'caller_name', 'uri',
  'subresource_uris', 'annotation', 'group_sid', 'audio_in_mos', 'sip_result_code', 'audio_rtt_avg', 'audio_rtt_min',
  'audio_rtt_max', 'audio_out_jitter_min', 'audio_out_jitter_max', 'audio_out_jitter_avg', 'audio_out_lost',
];

/** What a test or the simulator may choose about a call; everything else follows from it. */
export interface CallFields {
  from: string;
  to: string;
  callerName: string | null;
  direction: 'inbound' | 'outbound';
  status: CallStatus;
  /** RFC 2822, like every date of the API. */
  startTime: string;
}

/** The space's own number, which callers dial to reach the conference. */
export const SPACE_NUMBER = '+15550100000';

// Fictional numbers: NANP reserves 555-0100..0199 for fiction in every area code.
export const AREA_CODES = ['212', '305', '312', '415', '503', '617', '702', '808', '919', '206', '303', '404', '512', '602', '713', '816'];

/** The n-th of the fake space's caller numbers: `+1 AAA 555 01XX`, varied, cheap, deterministic. */
export function callerNumber(n: number): string {
  const area = AREA_CODES[n % AREA_CODES.length];
  const line = 100 + ((n * 37 + Math.floor(n / AREA_CODES.length)) % 100);
  return `+1${area}5550${line}`;
}

/** `+13105678901` -> `(310) 567-8901`, as the API formats North American numbers; others unchanged. */
export function formatNumber(number: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : number;
}

/** A call as the fake space keeps it: the chosen fields and the times. */
export interface CallRecord extends CallFields {
  sid: string;
  accountSid: string;
  startMs: number;
  endTime: string | null;
  endMs: number | null;
  dateUpdated: string;
}

export function makeCallRecord(accountSid: string, sid: string, fields: Partial<CallFields>, n: number, now: string = rfc2822()): CallRecord {
  const direction = fields.direction ?? 'inbound';
  const person = callerNumber(n);
  const startTime = fields.startTime ?? now;
  const startMs = Date.parse(startTime);
  return {
    sid,
    accountSid,
    // Inbound: the person dialled the space's number; outbound: the space dialled the person.
    from: fields.from ?? (direction === 'inbound' ? person : SPACE_NUMBER),
    to: fields.to ?? (direction === 'inbound' ? SPACE_NUMBER : person),
    callerName: fields.callerName ?? null,
    direction,
    status: fields.status ?? 'in-progress',
    startTime,
    startMs: Number.isNaN(startMs) ? Date.now() : startMs,
    endTime: null,
    endMs: null,
    dateUpdated: startTime,
  };
}

/** The call object the API answers for a record (the same object for both path forms). */
export function callObject(r: CallRecord): FakeCall {
  const base = `/api/laml/2010-04-01/Accounts/${encodeURIComponent(r.accountSid)}/Calls/${encodeURIComponent(r.sid)}`;
  const ended = r.endMs !== null;
  return {
    sid: r.sid,
    account_sid: r.accountSid,
    date_created: r.startTime,
    date_updated: r.dateUpdated,
    parent_call_sid: null,
    to: r.to,
    formatted_to: formatNumber(r.to),
    to_formatted: formatNumber(r.to),
    from: r.from,
    formatted_from: formatNumber(r.from),
    from_formatted: formatNumber(r.from),
    phone_number_sid: null,
    status: r.status,
    start_time: r.startTime,
    end_time: r.endTime,
    // The spec types it as an integer (never null): 0 until the call has ended.
    duration: ended ? Math.max(0, Math.round((r.endMs! - r.startMs) / 1000)) : 0,
    price: null,
    price_unit: 'USD',
    direction: r.direction,
    answered_by: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    caller_name: r.callerName,
    uri: `${base}.json`,
    subresource_uris: { notifications: null, recordings: `${base}/Recordings.json` },
    annotation: null,
    group_sid: null,
    audio_in_mos: null,
    sip_result_code: ended ? '200' : null,
    audio_rtt_avg: null,
    audio_rtt_min: null,
    audio_rtt_max: null,
    audio_out_jitter_min: null,
    audio_out_jitter_max: null,
    audio_out_jitter_avg: null,
    audio_out_lost: null,
  };
}
