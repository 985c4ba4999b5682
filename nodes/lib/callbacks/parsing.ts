// Conference (and recording) status callbacks: the form body as parameters, and the event with typed fields.
import type { CallbackParams } from './signature';
import { toIsoTimestamp } from '../shared/timestamps';

/** The media type of every conference status callback. */
const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * True for `application/x-www-form-urlencoded`, with or without parameters, in UTF-8 (no
 * charset or charset=utf-8): the only body the node reads.
 */
export function isFormContentType(header: unknown): boolean {
  if (typeof header !== 'string') return false;
  // A sender writes the same header on every callback: the last answer is kept.
  if (header === lastContentType.header) return lastContentType.form;
  const form = readContentType(header);
  lastContentType = { header, form };
  return form;
}
let lastContentType: { header: string | undefined; form: boolean } = { header: undefined, form: false };

function readContentType(header: string): boolean {
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
  // forEach: no iterator and no [name, value] pair per parameter.
  new URLSearchParams(body).forEach((value, name) => {
    const list = params.get(name);
    if (list) list.push(value);
    else params.set(name, [value]);
  });
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
  const raw: Record<string, string | string[]> = {};
  for (const [name, values] of params) {
    const value = values.length === 1 ? values[0] : [...values];
    // A parameter named "__proto__" stays a plain key: assigning it would set the prototype.
    if (name === '__proto__') Object.defineProperty(raw, name, { value, enumerable: true, writable: true, configurable: true });
    else raw[name] = value;
  }
  return raw;
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
const INTEGERS = new Set(['Duration', 'RecordingFileSize', 'SequenceNumber', 'CallDuration', 'RecordingDuration', 'RecordingChannels']);
/** Names renamed rather than camel-cased; the rest lose the capital of their first word. */
const RENAMED: Record<string, string> = { StatusCallbackEvent: 'event', Timestamp: 'timestamp' };
/** The fields first in the payload, in this order, when present. */
const FIRST = ['event', 'conferenceSid', 'friendlyName', 'callSid', 'recordingSid', 'recordingStatus'];
/** Names that would be dangerous as keys of an object a function node works on. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** "CallStatus" -> "callStatus", "URL" -> "url", "URLPath" -> "urlPath". */
export function camelCase(name: string): string {
  return name.replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (m) => m.toLowerCase());
}

/** How a parameter becomes a field of the event. */
interface FieldRule {
  key: string;
  type: 'boolean' | 'integer' | 'timestamp' | 'text';
  /** Its place among FIRST, or FIRST.length for the rest. */
  rank: number;
}

/**
 * The rule of each parameter name seen, worked out once: callbacks repeat the same twenty-odd
 * names. Bounded in count and in name length, since the names come from the sender
 * (undefined: a name left out).
 */
const fieldRules = new Map<string, FieldRule | undefined>();
const MAX_FIELD_RULES = 1000;
const MAX_REMEMBERED_NAME = 64;

/** How many parameter names have their rule remembered (for the spec of the bound). */
export function rememberedFieldNames(): number {
  return fieldRules.size;
}

function fieldRule(name: string): FieldRule | undefined {
  if (fieldRules.has(name)) return fieldRules.get(name);
  let rule: FieldRule | undefined;
  const key = UNSAFE.has(name) ? '' : (RENAMED[name] ?? camelCase(name));
  if (key !== '' && !UNSAFE.has(key)) {
    const type = BOOLEANS.has(name) ? 'boolean' : INTEGERS.has(name) ? 'integer' : name === 'Timestamp' ? 'timestamp' : 'text';
    const i = FIRST.indexOf(key);
    rule = { key, type, rank: i === -1 ? FIRST.length : i };
  }
  if (name.length > MAX_REMEMBERED_NAME) return rule;
  if (fieldRules.size >= MAX_FIELD_RULES) fieldRules.clear();
  fieldRules.set(name, rule);
  return rule;
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
  // The known fields first, in FIRST's order, then the others in the order they arrived: two
  // passes, so that nothing is held in between. Two names with one key (e.g. "CallSid" and
  // "callSid"): the later wins.
  const first = new Array<string | undefined>(FIRST.length);
  for (const name of params.keys()) {
    const rule = fieldRule(name);
    if (rule && rule.rank < FIRST.length) first[rule.rank] = name;
  }
  const event: ConferenceEvent = {};
  // Plain assignment is safe: fieldRule leaves out "__proto__" and the other UNSAFE keys.
  for (let rank = 0; rank < FIRST.length; rank++) {
    const name = first[rank];
    if (name !== undefined) event[FIRST[rank]] = typedValue(fieldRule(name)!, params.get(name)!);
  }
  params.forEach((values, name) => {
    const rule = fieldRule(name);
    if (rule && rule.rank === FIRST.length) event[rule.key] = typedValue(rule, values);
  });
  return event;
}

function typedValue(rule: FieldRule, values: string[]): ConferenceEvent[string] {
  const value = values[0];
  if (rule.type === 'boolean') return toBoolean(value);
  if (rule.type === 'integer') return toInteger(value);
  if (rule.type === 'timestamp') return toIsoTimestamp(value);
  return values.length === 1 ? value : [...values];
}

/** A single-valued parameter as text, or undefined. */
export function param(params: CallbackParams, name: string): string | undefined {
  const v = params.get(name);
  return v && v.length > 0 ? v[0] : undefined;
}
