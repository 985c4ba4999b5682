import type { ApiEndpoint } from './rules';

export type { ApiEndpoint };
/** A conference participant exactly as the Compatibility API returns it. */
export interface Participant {
  account_sid: string;
  call_sid: string;
  call_sid_to_coach: string | null;
  coaching: boolean;
  conference_sid: string;
  date_created: string;
  date_updated: string;
  status: 'in-progress' | 'completed' | string;
  end_conference_on_exit: boolean;
  muted: boolean;
  hold: boolean;
  start_conference_on_enter: boolean;
  uri: string;
  [field: string]: unknown;
}

/**
 * A call as `GET /Accounts/{AccountSid}/Calls/{Sid}` returns it (vendor spec `CallResponse`):
 * the fields this package reads, typed loosely because a server may send anything.
 */
export interface Call {
  sid?: unknown;
  from?: unknown;
  to?: unknown;
  formatted_from?: unknown;
  caller_name?: unknown;
  direction?: unknown;
  status?: unknown;
  start_time?: unknown;
  [field: string]: unknown;
}

/** What a participant's `call` field holds when list participants adds call details. */
export interface CallDetails {
  /** The caller's number or address (`from` of the call). */
  from: string | null;
  to: string | null;
  /** `caller_name`: null on SignalWire (its spec says always null); set by services with CNAM. */
  callerName: string | null;
  /** `inbound` or `outbound` (Twilio-compatible services also `outbound-api`, `outbound-dial`). */
  direction: string | null;
  /** When the call began, ISO 8601 (the API's `start_time`, RFC 2822, converted). */
  startTime: string | null;
}

/** The paging keys every list answer of the API carries. */
export interface PageMeta {
  uri: string;
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
  page: number;
  page_size: number;
}

/** One checked page of a listing; `items` is the answer's list under its own key. */
export type Page<T> = PageMeta & { items: T[] };


export interface SpaceSettings {
  endpoint: ApiEndpoint;
  projectId: string;
  apiToken: string;
  timeoutMs: number;
  retries: number;
  maxInFlight: number;
  /** Requests that may wait for a slot; one more is refused with "queue full". */
  maxQueued: number;
  /** First backoff step; tests shorten it. */
  retryBaseMs?: number;
  /** Longest wait a Retry-After header can impose. */
  maxRetryAfterMs?: number;
}

/**
 * A conference as `GET /Accounts/{AccountSid}/Conferences[/{Sid}]` returns it (vendor spec
 * `ConferenceResponse`; Twilio adds `reason_conference_ended`, `call_sid_ending_conference`).
 */
export interface Conference {
  sid: string;
  account_sid: string;
  date_created: string;
  date_updated: string;
  friendly_name: string;
  status: 'init' | 'in-progress' | 'completed' | string;
  api_version: string;
  region: string;
  uri: string;
  subresource_uris: Record<string, string>;
  [field: string]: unknown;
}

/** The query of a list request; undefined means "not sent". */
export interface ListQuery {
  Muted?: 'true' | 'false';
  Hold?: 'true' | 'false';
  /** List conferences: the filters, under the API's names (`DateCreated<` is one name). */
  FriendlyName?: string;
  Status?: string;
  DateCreated?: string;
  'DateCreated<'?: string;
  'DateCreated>'?: string;
  DateUpdated?: string;
  'DateUpdated<'?: string;
  'DateUpdated>'?: string;
  Page?: number;
  PageSize?: number;
  PageToken?: string;
}
