import type { Node, NodeAPI } from 'node-red';
import { badInput, describeValue, problemError, quote } from '../shared/errors';
import { checkNumber, isBlank, isPageToken, isSafeSegment, type NumberField } from '../shared/rules';
import { text } from '../shared/texts';

export type Msg = Record<string, unknown>;

/** A typedInput setting: where a value comes from (msg / flow / global / env / str). */
export interface TypedSetting {
  value: string;
  type: string;
  /** Read when the setting is left at its default msg property and that property is absent. */
  payloadFallback?: string;
  /**
   * Reads the value without the runtime's evaluation where that gives the same answer: a fixed
   * string, or a msg property named by one plain identifier (the default). The runtime parses
   * the property path again on every message and answers through a callback.
   */
  direct?: (msg: Msg) => unknown;
}

const TYPED_INPUT_TYPES = new Set(['msg', 'flow', 'global', 'env', 'str']);
const PLAIN_PROPERTY = /^[A-Za-z_$][\w$]*$/;

export function typedSetting(value: unknown, type: unknown, defaultProperty: string, payloadFallback?: string): TypedSetting {
  const t = typeof type === 'string' && TYPED_INPUT_TYPES.has(type) ? type : 'msg';
  const v = typeof value === 'string' && (value !== '' || t === 'str') ? value : defaultProperty;
  const isDefault = t === 'msg' && v === defaultProperty;
  const direct = t === 'str' ? () => v : t === 'msg' && PLAIN_PROPERTY.test(v) ? (msg: Msg) => msg[v] : undefined;
  return { value: v, type: t, payloadFallback: isDefault ? payloadFallback : undefined, direct };
}

function evaluate(RED: NodeAPI, node: Node, setting: TypedSetting, msg: Msg): Promise<unknown> {
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(setting.value, setting.type, node, msg as never, (err, value) => {
      if (err) reject(badInput('cannot-read', { source: `${setting.type}.${quote(setting.value)}`, message: quote(err.message) }));
      else resolve(value);
    });
  });
}

function sourceOf(setting: TypedSetting): string {
  if (setting.type === 'str') return text('values.configured');
  const where = `${setting.type}.${quote(setting.value)}`;
  return setting.payloadFallback ? text('values.or-payload', { where, fallback: setting.payloadFallback }) : where;
}

/** The SIDs a typedInput reads, by their names in the catalogue's `fields`. */
export type SidField = 'conferenceSid' | 'callSid' | 'recordingSid' | 'callSidToCoach';

/** The typedInput's value, or when it is absent the status-callback field in msg.payload. */
function orPayloadField(setting: TypedSetting, value: unknown, msg: Msg): unknown {
  if ((value === undefined || value === null) && setting.payloadFallback) {
    const payload = msg.payload;
    if (payload !== null && typeof payload === 'object') return (payload as Record<string, unknown>)[setting.payloadFallback];
  }
  return value;
}

/** A SID that must be one safe path segment, or the error saying what is wrong with it. */
function checkedSid(value: unknown, setting: TypedSetting, field: SidField): string {
  // The happy path looks nothing up: a catalogue lookup costs more than the check itself.
  if (typeof value === 'string' && isSafeSegment(value)) return value;
  const label = text(`fields.${field}`);
  if (value === undefined || value === null) throw badInput('sid-missing', { field: label, source: sourceOf(setting) });
  if (typeof value !== 'string') throw badInput('sid-not-string', { field: label, value: describeValue(value), source: sourceOf(setting) });
  if (value.trim() === '') throw badInput('sid-empty', { field: label, source: sourceOf(setting) });
  throw badInput('sid-chars', { field: label, value: describeValue(value) });
}

/**
 * A SID read from its typedInput, falling back to the status-callback field in msg.payload so
 * that an `http in` flow needs no configuration. It must be one safe path segment. A setting
 * read directly answers at once (a bad value throws); one the runtime evaluates, by a promise.
 */
export function resolveSid(RED: NodeAPI, node: Node, setting: TypedSetting, msg: Msg, field: SidField): string | Promise<string> {
  if (setting.direct) return checkedSid(orPayloadField(setting, setting.direct(msg), msg), setting, field);
  return evaluate(RED, node, setting, msg).then((value) => checkedSid(orPayloadField(setting, value, msg), setting, field));
}

/**
 * As resolveSid, but nothing there (undefined or null) is undefined rather than an error, and so
 * is a fixed value (`str`) left empty in the node: it fixes nothing.
 */
export async function resolveOptionalSid(RED: NodeAPI, node: Node, setting: TypedSetting, msg: Msg, field: SidField): Promise<string | undefined> {
  if (setting.type === 'str' && setting.value.trim() === '') return undefined;
  const value = orPayloadField(setting, setting.direct ? setting.direct(msg) : await evaluate(RED, node, setting, msg), msg);
  return value === undefined || value === null ? undefined : checkedSid(value, setting, field);
}

export type FilterSetting = 'msg' | 'any' | 'true' | 'false';

export function filterSetting(value: unknown): FilterSetting {
  return value === 'any' || value === 'true' || value === 'false' ? value : 'msg';
}

/** The Muted / Hold query value: a fixed node setting, or msg.muted / msg.hold when present. */
export function resolveFilter(setting: FilterSetting, msgValue: unknown, name: string): 'true' | 'false' | undefined {
  if (setting === 'any') return undefined;
  if (setting === 'true' || setting === 'false') return setting;
  if (msgValue === undefined || msgValue === null) return undefined;
  if (msgValue === true || msgValue === 'true') return 'true';
  if (msgValue === false || msgValue === 'false') return 'false';
  throw badInput('not-boolean', { name, value: describeValue(msgValue) });
}

/** A number from the msg or the node, by the shared rule; blank means the rule's default. */
export function numberInput(field: NumberField, value: unknown): number | undefined {
  const checked = checkNumber(field, value);
  if ('problem' in checked) throw problemError('bad-input', checked.problem, value);
  return checked.value;
}

export function optionalPageToken(value: unknown): string | undefined {
  if (isBlank(value)) return undefined;
  if (!isPageToken(value)) throw badInput('page-token', { field: text('fields.pageToken'), value: describeValue(value) });
  return value as string;
}

/** First non-blank of the msg's value and the node's. */
export function msgOrNode(msgValue: unknown, nodeValue: unknown): unknown {
  return isBlank(msgValue) ? nodeValue : msgValue;
}
