// The validation rules of every field, written once for both sides: the runtime checks
// messages and config with them, and the editor dialogs validate with the same functions
// (the build serves this file to the editor as resources/.../signalwire-rules.js). So it stays
// plain: no imports, nothing that exists only in Node.js.

/** A problem, as the key of its text (`errors.<key>` in the runtime catalogue) and its values. */
export interface Problem {
  key: string;
  vars: Record<string, string | number>;
}

export interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
  /** What a blank value means; none: blank means "not set". */
  default?: number;
}

export const NUMBER_RULES = {
  timeout: { min: 0.1, max: 600, integer: false, default: 10 },
  retries: { min: 0, max: 10, integer: true, default: 3 },
  maxInFlight: { min: 1, max: 100, integer: true, default: 10 },
  maxQueue: { min: 0, max: 100_000, integer: true, default: 1000 },
  retryBaseMs: { min: 1, max: 60_000, integer: true, default: 500 },
  maxRetryAfterMs: { min: 0, max: 300_000, integer: true, default: 30_000 },
  pageSize: { min: 1, max: 1000, integer: true },
  page: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  maxPages: { min: 1, max: 100_000, integer: true, default: 200 },
  maxItems: { min: 1, max: 1_000_000, integer: true, default: 10_000 },
  coalesce: { min: 0, max: 3_600_000, integer: true, default: 1000 },
  reconcile: { min: 0, max: 86_400, integer: true, default: 30 },
  throttle: { min: 0, max: 60_000, integer: true, default: 100 },
  sweepGap: { min: 0, max: 3_600_000, integer: true, default: 5000 },
} as const satisfies Record<string, NumberRule>;

export type NumberField = keyof typeof NUMBER_RULES;

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * A number setting or message value: blank gives the rule's default (or undefined), a number
 * or a plain decimal string within the bounds gives its value, anything else a problem.
 */
export function checkNumber(field: NumberField, value: unknown): { value: number | undefined } | { problem: Problem } {
  const rule: NumberRule = NUMBER_RULES[field];
  if (isBlank(value)) return { value: rule.default };
  let n = Number.NaN;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value)) n = Number(value);
  if (Number.isFinite(n) && n >= rule.min && n <= rule.max && (!rule.integer || Number.isInteger(n))) return { value: n };
  const upward = rule.max === Number.MAX_SAFE_INTEGER;
  const key = rule.integer ? (upward ? 'integer-from' : 'integer') : 'number';
  return { problem: { key, vars: upward ? { field, min: rule.min } : { field, min: rule.min, max: rule.max } } };
}

// SignalWire IDs are UUIDs, other services use prefixed SIDs: accept both, but nothing that
// could leave its path segment (no "/", "?", "#", "%", "." or spaces).
const PATH_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;

/** A SID, Project ID or other ID that goes into a request path as one segment. */
export function isSafeSegment(value: string): boolean {
  return PATH_SEGMENT.test(value);
}

/** A page token as the API sends them in page URIs: PA (forward) or PB (backward). */
export function isPageToken(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 512 && /^P[AB][A-Za-z0-9_.~-]*$/.test(value);
}

/** Longest piece of server- or message-controlled text that an error quotes (before its cut marker). */
export const MAX_QUOTED_CHARS = 200;

/**
 * `value` cut to `max` characters with `marker(count of characters left out)` after it, but only
 * when that makes it shorter: a cut that saves fewer characters than its marker costs would
 * make the text longer and hide its end for nothing, so such a text stays whole.
 */
export function cutText(value: string, max: number, marker: (count: number) => string): string {
  if (value.length <= max) return value;
  const cut = `${value.slice(0, max)}${marker(value.length - max)}`;
  return cut.length < value.length ? cut : value;
}

export const DEFAULT_API_ROOT = '/api/laml/2010-04-01';
/**
 * The API roots a SignalWire host serves: the LaML root of the vendor's reference, and the
 * `/2010-04-01` root that SignalWire's own SDK calls (the service answers it with `.json`
 * paths, see apiPathSuffix). Any other path on a SignalWire host is a pasted browser address.
 */
export const SIGNALWIRE_API_ROOTS: readonly string[] = [DEFAULT_API_ROOT, '/2010-04-01'];

/** Where the API lives: `origin` carries the credentials, `apiRoot` prefixes every path. */
export interface ApiEndpoint {
  origin: string;
  apiRoot: string;
}

const SPACE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
// Only plain path characters: a configured API root can never smuggle a query, a fragment or
// an encoded separator into the requests built on it.
const SAFE_PATH = /^(?:\/[A-Za-z0-9._~-]+)+$/;

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** True when the space is a SignalWire host: credentials sent anywhere else deserve a notice. */
export function isSignalWireHost(origin: string): boolean {
  return /^https:\/\/[a-z0-9-]+\.signalwire\.com$/i.test(origin);
}

/** The text with anything between "//" and an "@" before the path cut out. */
function withoutUserinfo(text: string): string {
  return text.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#]*@/i, '$1');
}

/**
 * What a user typed as the space, as the API's origin and root path, or the problem with it.
 * `example`, `example.signalwire.com`, `https://example.signalwire.com[/]` all give
 * https://example.signalwire.com + /api/laml/2010-04-01; on a SignalWire host the only paths
 * are its API roots (SIGNALWIRE_API_ROOTS). Another https host is allowed for Twilio-compatible
 * services, with its URL path as the API root; http only on loopback. A pasted
 * `https://user:token@host` is refused before anything quotes it.
 */
export function checkSpace(input: string): { endpoint: ApiEndpoint } | { problem: Problem } {
  const text = input.trim();
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (text === '') return problem('space-missing');
  if (withoutUserinfo(text) !== text) return problem('space-userinfo');
  const space = text;
  if (/[\s\\%]/.test(text) || /\/\.\.?(\/|$)/.test(text)) return problem('space-chars', { space });
  if (SPACE_NAME.test(text)) return { endpoint: { origin: `https://${text.toLowerCase()}.signalwire.com`, apiRoot: DEFAULT_API_ROOT } };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return problem('space-invalid', { space });
  }
  if (url.search || url.hash || text.includes('?') || text.includes('#')) return problem('space-query');
  if (url.username || url.password) return problem('space-userinfo');
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) return problem('space-insecure', { space });
  } else if (url.protocol !== 'https:') {
    return problem('space-scheme', { space });
  }
  const path = url.pathname.replace(/\/+$/, '');
  // A page of SignalWire's web site (the dashboard, a phone number) has no API under it: every
  // request would answer 404. Say what to type instead.
  if (path !== '' && isSignalWireHost(url.origin) && !SIGNALWIRE_API_ROOTS.includes(path)) {
    return problem('space-signalwire-path', { space, path: url.pathname, host: url.host });
  }
  if (path !== '' && (!SAFE_PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..'))) {
    return problem('space-path', { path: url.pathname });
  }
  return { endpoint: { origin: url.origin, apiRoot: path === '' ? DEFAULT_API_ROOT : path } };
}

// ------------------------------------------------------------- conference events node

/** The `StatusCallbackEvent` values of conference status callbacks. */
export const CONFERENCE_EVENTS = [
  'conference-start',
  'conference-end',
  'participant-join',
  'participant-leave',
  'participant-mute',
  'participant-unmute',
  'participant-hold',
  'participant-unhold',
  'participant-speech-start',
  'participant-speech-stop',
] as const;

export const DEFAULT_CALLBACK_PATH = '/signalwire/conference-events';
const MAX_CALLBACK_PATH_CHARS = 256;
const MAX_PUBLIC_URL_CHARS = 2048;
// Plain segments only: no route parameters (":id"), wildcards, queries or encoded characters,
// so the route matches exactly the path the user typed.
const CALLBACK_PATH = /^\/(?:[A-Za-z0-9._~-]+\/)*(?:[A-Za-z0-9._~-]+)?$/;

/**
 * The path of the callback route: blank gives the default, a missing leading "/" is added (as
 * the core http in node does); anything else than plain path segments is a problem.
 */
export function checkCallbackPath(value: unknown): { path: string } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (isBlank(value)) return { path: DEFAULT_CALLBACK_PATH };
  if (typeof value !== 'string') return problem('callback-path', { path: String(value) });
  const trimmed = value.trim();
  const path = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (path.length > MAX_CALLBACK_PATH_CHARS || !CALLBACK_PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    return problem('callback-path', { path: trimmed });
  }
  return { path };
}

/**
 * The exact URL given to SignalWire as statusCallback, kept as typed (the signature covers it
 * character for character): blank means "the URL the request arrived at".
 */
export function checkPublicUrl(value: unknown): { url: string | undefined } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (isBlank(value)) return { url: undefined };
  if (typeof value !== 'string') return problem('callback-public-url', { url: String(value) });
  const text = value.trim();
  if (withoutUserinfo(text) !== text) return problem('callback-public-url-userinfo');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problem('callback-public-url', { url: text });
  }
  if (url.username || url.password) return problem('callback-public-url-userinfo');
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !/^https?:\/\/[^/?#\s]+/i.test(text) || /\s/.test(text) || text.includes('#') || text.length > MAX_PUBLIC_URL_CHARS) {
    return problem('callback-public-url', { url: text });
  }
  return { url: text };
}

/**
 * The `status` values of a conference recording (vendor spec ConferenceRecordingStatus), and
 * `failed`, which the vendor's conference page names for recording status callbacks.
 */
export const RECORDING_STATUSES = ['queued', 'in-progress', 'paused', 'resumed', 'stopped', 'completed', 'absent', 'failed'] as const;
/** The topics of recording status callbacks on the events node: `recording-<status>`. */
export const RECORDING_EVENTS: readonly string[] = RECORDING_STATUSES.map((status) => `recording-${status}`);
/** Every topic the events filter may name: the conference events, then the recording topics. */
export const CALLBACK_EVENTS: readonly string[] = [...CONFERENCE_EVENTS, ...RECORDING_EVENTS];
/** A recording status longer than this is never made into a topic. */
export const MAX_RECORDING_STATUS_CHARS = 32;

/**
 * A callback's `RecordingStatus` when it is a plain token (lower-case words joined by "-", at
 * most 32 characters), the only kind made into a topic; anything else: undefined.
 */
export function recordingStatusToken(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_RECORDING_STATUS_CHARS && /^[a-z]+(?:-[a-z]+)*$/.test(value) ? value : undefined;
}

/** The events that pass: blank or an empty list is every event; otherwise known topics only. */
export function checkEvents(value: unknown): { events: string[] } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (isBlank(value)) return { events: [] };
  const known = CALLBACK_EVENTS;
  const list = Array.isArray(value) ? value : [value];
  for (const v of list) {
    if (typeof v !== 'string' || !known.includes(v)) return problem('callback-events', { event: String(v) });
  }
  return { events: [...new Set(list as string[])] };
}

/** Signature checking is on unless explicitly turned off (false or "false"). */
export function checkVerify(value: unknown): boolean {
  return !(value === false || value === 'false');
}

// ------------------------------------------------------------- list conferences node

/** The `Status` values of a conference, and of the list filter. */
export const CONFERENCE_STATUSES = ['init', 'in-progress', 'completed'] as const;
/** The API's limit for `FriendlyName` (the vendor spec's maxLength). */
export const MAX_FRIENDLY_NAME_CHARS = 64;
/**
 * The date filters of list conferences, by node property, with their query parameter names:
 * the `<` and `>` belong to the names (sent percent-encoded as %3C and %3E).
 */
export const CONFERENCE_DATE_FILTERS = {
  dateCreated: 'DateCreated',
  dateCreatedBefore: 'DateCreated<',
  dateCreatedAfter: 'DateCreated>',
  dateUpdated: 'DateUpdated',
  dateUpdatedBefore: 'DateUpdated<',
  dateUpdatedAfter: 'DateUpdated>',
} as const;
export type ConferenceDateField = keyof typeof CONFERENCE_DATE_FILTERS;
/** The date filters of list recordings (a conference's recordings have only DateCreated). */
export const RECORDING_DATE_FILTERS = {
  dateCreated: CONFERENCE_DATE_FILTERS.dateCreated,
  dateCreatedBefore: CONFERENCE_DATE_FILTERS.dateCreatedBefore,
  dateCreatedAfter: CONFERENCE_DATE_FILTERS.dateCreatedAfter,
} as const;
export type RecordingDateField = keyof typeof RECORDING_DATE_FILTERS;

/** A date filter: blank is "not set"; otherwise a real calendar date written `YYYY-MM-DD`. */
export function checkDate(field: ConferenceDateField, value: unknown): { value: string | undefined } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (isBlank(value)) return { value: undefined };
  const text = typeof value === 'string' ? value.trim() : '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) return { value: text };
  }
  return problem('date', { field });
}

/** The FriendlyName filter: blank is "not set"; otherwise a string of at most 64 characters. */
export function checkFriendlyName(value: unknown): { value: string | undefined } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (isBlank(value)) return { value: undefined };
  if (typeof value !== 'string') return problem('friendly-name', { field: 'friendlyName', max: MAX_FRIENDLY_NAME_CHARS });
  // eslint-disable-next-line no-control-regex
  if (value.length > MAX_FRIENDLY_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(value)) {
    return problem('friendly-name', { field: 'friendlyName', max: MAX_FRIENDLY_NAME_CHARS });
  }
  return { value };
}

/** The Status filter: blank is "not set"; otherwise `init`, `in-progress` or `completed`. */
export function checkConferenceStatus(value: unknown): { value: string | undefined } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (isBlank(value)) return { value: undefined };
  const known: readonly string[] = CONFERENCE_STATUSES;
  if (typeof value === 'string' && known.includes(value.trim())) return { value: value.trim() };
  return problem('conference-status', { field: 'status', allowed: CONFERENCE_STATUSES.join(', ') });
}

// ------------------------------------------------------------- conference roster node

/** Longest time zone name taken (the IANA names are far shorter). */
const MAX_TIME_ZONE_CHARS = 64;

/**
 * The time zone the roster writes join times in: blank is the host's; otherwise a name the
 * runtime's Intl knows, such as `Europe/Berlin`, `America/New_York` or `UTC`.
 */
export function checkTimeZone(value: unknown): { timeZone: string | undefined } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (isBlank(value)) return { timeZone: undefined };
  const text = typeof value === 'string' ? value.trim() : '';
  if (text !== '' && text.length <= MAX_TIME_ZONE_CHARS && /^[A-Za-z0-9_+\-/]+$/.test(text)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: text });
      return { timeZone: text };
    } catch {
      // not a zone this runtime knows
    }
  }
  return problem('time-zone', { field: 'timeZone' });
}

// ------------------------------------------------------------- Twilio-compatible services

/**
 * The suffix of every request path: none under SignalWire's LaML root `/api/laml/2010-04-01`
 * (the vendor spec's paths), `.json` under any other root, as Twilio's API (`/2010-04-01`) and
 * the services shaped like it require; SignalWire answers its `/2010-04-01` form with `.json` too.
 */
export function apiPathSuffix(apiRoot: string): '' | '.json' {
  return apiRoot === DEFAULT_API_ROOT ? '' : '.json';
}

// ------------------------------------------------------------- write nodes (update participant / conference)

/** What update participant does; `msg` (the node's default) means "the word in msg.action". */
export const PARTICIPANT_ACTIONS = ['mute', 'unmute', 'hold', 'unhold', 'coach', 'uncoach', 'remove'] as const;
/** What update conference does. */
export const CONFERENCE_ACTIONS = ['end', 'announce'] as const;
/** What update recording does to a conference recording. */
export const RECORDING_ACTIONS = ['pause', 'resume', 'stop', 'delete'] as const;
/** What a paused recording holds for the pause (`PauseBehavior`): nothing, or silence (the API's default). */
export const PAUSE_BEHAVIORS = ['skip', 'silence'] as const;
export const DEFAULT_PAUSE_BEHAVIOR = 'silence';
/**
 * The update parameters of the vendor spec (UpdateConferenceParticipantRequest,
 * UpdateConferenceRequest) that `msg.params` may carry. Muted, Hold, HoldUrl and AnnounceUrl
 * (and Status for a conference) come from the action and the URL settings, never from it.
 */
export const PARTICIPANT_PARAMS = ['HoldMethod', 'AnnounceMethod', 'WaitUrl', 'WaitMethod', 'Coaching', 'CallSidToCoach'] as const;
export const CONFERENCE_PARAMS = ['AnnounceMethod'] as const;
const MAX_CALL_URL_CHARS = 2048;

/** An action word from the node or from msg.action: one of `known`, or a problem. */
export function checkAction(known: readonly string[], value: unknown): { action: string } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (typeof value === 'string' && known.includes(value.trim())) return { action: value.trim() };
  if (isBlank(value)) return problem('write-action-missing', { allowed: known.join(', ') });
  return problem('write-action', { allowed: known.join(', ') });
}

/** A pause behaviour from the node or msg.pauseBehavior: blank is the API's default, `silence`. */
export function checkPauseBehavior(value: unknown): { value: string } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars']) => ({ problem: { key, vars } });
  if (isBlank(value)) return { value: DEFAULT_PAUSE_BEHAVIOR };
  const known: readonly string[] = PAUSE_BEHAVIORS;
  if (typeof value === 'string' && known.includes(value.trim())) return { value: value.trim() };
  return problem('pause-behavior', { field: 'pauseBehavior', allowed: PAUSE_BEHAVIORS.join(', ') });
}

/**
 * A URL SignalWire fetches (hold music, announcement, wait music): blank is "not set"; otherwise
 * an absolute http:// or https:// URL without spaces, user name or password.
 */
export function checkCallUrl(name: string, value: unknown): { url: string | undefined } | { problem: Problem } {
  if (isBlank(value)) return { url: undefined };
  const problem = (key: string, vars: Problem['vars']) => ({ problem: { key, vars } });
  const invalid = problem('write-url', { name, url: String(value) });
  if (typeof value !== 'string') return invalid;
  const text = value.trim();
  if (text.length > MAX_CALL_URL_CHARS || /\s/.test(text) || !/^https?:\/\/[^/?#\s@]+(?:[/?#]|$)/i.test(text)) return invalid;
  try {
    const url = new URL(text);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return invalid;
  } catch {
    return invalid;
  }
  return { url: text };
}

/**
 * `msg.params`: more update parameters by their API names, each checked by its kind in the
 * spec (GET/POST, true/false, an http(s) URL, a SID). Any other name is a problem.
 */
export function checkWriteParams(allowed: readonly string[], value: unknown): { form: Record<string, string> } | { problem: Problem } {
  const problem = (key: string, vars: Problem['vars'] = {}) => ({ problem: { key, vars } });
  if (value === undefined || value === null) return { form: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return problem('write-params');
  const form: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!allowed.includes(name)) return problem('write-param', { name, allowed: allowed.join(', ') });
    if (raw === undefined || raw === null) continue;
    if (/Method$/.test(name)) {
      const m = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
      if (m !== 'GET' && m !== 'POST') return problem('write-param-method', { name, value: String(raw) });
      form[name] = m;
    } else if (/Url$/.test(name)) {
      const url = checkCallUrl(name, raw);
      if ('problem' in url) return url;
      if (url.url !== undefined) form[name] = url.url;
    } else if (name === 'Coaching') {
      if (raw !== true && raw !== false && raw !== 'true' && raw !== 'false') return problem('write-param-boolean', { name, value: String(raw) });
      form[name] = String(raw);
    } else {
      if (typeof raw !== 'string' || !isSafeSegment(raw)) return problem('write-param-sid', { name, value: String(raw) });
      form[name] = raw;
    }
  }
  if (form.Coaching === 'true' && form.CallSidToCoach === undefined) return problem('write-coaching');
  return { form };
}
