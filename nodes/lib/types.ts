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

/** The query of a list request; undefined means "not sent". */
export interface ListQuery {
  Muted?: 'true' | 'false';
  Hold?: 'true' | 'false';
  Page?: number;
  PageSize?: number;
  PageToken?: string;
}
