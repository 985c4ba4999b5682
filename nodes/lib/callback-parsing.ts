// Conference status callbacks: the form body as parameters, and the event with typed fields.
import type { CallbackParams } from './callback-signature';

/** The media type of every conference status callback. */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * True for `application/x-www-form-urlencoded`, with or without parameters, in UTF-8 (no
 * charset or charset=utf-8): the only body the node reads.
 */
export function isFormContentType(header: unknown): boolean {
  if (typeof header !== 'string') return false;
  const [type, ...parameters] = header.split(';');
  if (type.trim().toLowerCase() !== FORM_TYPE) return false;
  for (const p of parameters) {
    const [name, value = ''] = p.split('=');
    if (name.trim().toLowerCase() === 'charset' && !/^"?utf-?8"?$/i.test(value.trim())) return false;
  }
  return true;
}

/** The form body's parameters, each name with its values in arrival order. */
export function parseForm(body: string): CallbackParams {
  const params: CallbackParams = new Map();
  for (const [name, value] of new URLSearchParams(body)) {
    const list = params.get(name);
    if (list) list.push(value);
    else params.set(name, [value]);
  }
  return params;
}

/**
 * A body that a middleware before this node already parsed (e.g. an httpNodeMiddleware with a
 * urlencoded parser): usable only as flat string values, as a non-extended parser gives them.
 */
export function paramsFromParsed(body: unknown): CallbackParams | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const params: CallbackParams = new Map();
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') params.set(name, [value]);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) params.set(name, [...(value as string[])]);
    else return undefined;
  }
  return params;
}

/** The raw parameters for `msg.callback`: a string per name, an array for a repeated name. */
export function rawParameters(params: CallbackParams): Record<string, string | string[]> {
  // fromEntries defines own properties: a parameter named "__proto__" stays a plain key.
  return Object.fromEntries([...params].map(([name, values]) => [name, values.length === 1 ? values[0] : [...values]]));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const RFC2822 =
  /^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun),\s*)?(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(?:([+-])(\d{2})(\d{2})|gmt|ut|utc|z)\s*$/i;

/**
 * An RFC 2822 date ("Tue, 14 Aug 2018 19:37:39 +0000") as an ISO 8601 string in UTC; an ISO
 * 8601 date is passed through normalised. Anything else (or an impossible date such as 31 Feb):
 * null.
 */
export function toIsoTimestamp(value: string): string | null {
  const m = RFC2822.exec(value);
  if (m) {
    const [, day, mon, year, hh, mm, ss = '0', sign, oh, om] = m;
    const fields = [Number(year), MONTHS.indexOf(mon.toLowerCase()), Number(day), Number(hh), Number(mm), Number(ss)] as const;
    const utc = Date.UTC(...fields);
    const d = new Date(utc);
    if (d.getUTCDate() !== fields[2] || d.getUTCMonth() !== fields[1] || fields[3] > 23 || fields[4] > 59 || fields[5] > 60) return null;
    const offsetMin = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
    return new Date(utc - offsetMin * 60_000).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) {
    const t = Date.parse(value);
    return Number.isFinite(t) ? new Date(t).toISOString() : null;
  }
  return null;
}

/** "true"/"false" (any case) as a boolean; anything else: null. */
function toBoolean(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : null;
}

/** A whole number written with digits; anything else: null. */
function toInteger(value: string): number | null {
  return /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : null;
}

/** Parameter names whose values are read as booleans, whole numbers or a date. */
const BOOLEANS = new Set(['Muted', 'Hold', 'EndConferenceOnExit', 'StartConferenceOnEnter', 'Coaching', 'Beep']);
const INTEGERS = new Set(['Duration', 'RecordingFileSize', 'SequenceNumber', 'CallDuration']);
/** Names renamed rather than camel-cased; the rest lose the capital of their first word. */
const RENAMED: Record<string, string> = { StatusCallbackEvent: 'event', Timestamp: 'timestamp' };
/** The fields first in the payload, in this order, when present. */
const FIRST = ['event', 'conferenceSid', 'friendlyName', 'callSid'];
/** Names that would be dangerous as keys of an object a function node works on. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** "CallStatus" -> "callStatus", "URL" -> "url", "URLPath" -> "urlPath". */
export function camelCase(name: string): string {
  return name.replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (m) => m.toLowerCase());
}

/** The typed event of a conference status callback (see the node's help for every field). */
export type ConferenceEvent = Record<string, string | string[] | boolean | number | null>;

/**
 * The callback as an event with typed fields: `event` (StatusCallbackEvent), `conferenceSid`,
 * `friendlyName`, `callSid` first; booleans as booleans, `timestamp` as ISO 8601, counts as
 * numbers, every other parameter by its camelCase name. A value that cannot be read as its type
 * is null (the raw text stays on msg.callback). A repeated parameter keeps its first value for a
 * typed field, every value (an array) otherwise.
 */
export function toConferenceEvent(params: CallbackParams): ConferenceEvent {
  const fields: Array<[string, ConferenceEvent[string]]> = [];
  for (const [name, values] of params) {
    if (UNSAFE.has(name)) continue;
    const key = RENAMED[name] ?? camelCase(name);
    if (UNSAFE.has(key) || key === '') continue;
    const first = values[0];
    let value: ConferenceEvent[string];
    if (BOOLEANS.has(name)) value = toBoolean(first);
    else if (INTEGERS.has(name)) value = toInteger(first);
    else if (name === 'Timestamp') value = toIsoTimestamp(first);
    else value = values.length === 1 ? first : [...values];
    fields.push([key, value]);
  }
  const rank = (k: string) => {
    const i = FIRST.indexOf(k);
    return i === -1 ? FIRST.length : i;
  };
  // A stable sort: the known fields first, the others in the order they arrived.
  fields.sort((a, b) => rank(a[0]) - rank(b[0]));
  return Object.fromEntries(fields);
}

/** A single-valued parameter as text, or undefined. */
export function param(params: CallbackParams, name: string): string | undefined {
  const v = params.get(name);
  return v && v.length > 0 ? v[0] : undefined;
}
