import type { Node, NodeAPI } from 'node-red';
import { badInput, describeValue, quote } from './errors';
import { isSafeSegment } from './space';

export type Msg = Record<string, unknown>;

/** A typedInput setting: where a value comes from (msg / flow / global / env / str). */
export interface TypedSetting {
  value: string;
  type: string;
  /** Read when the setting is left at its default msg property and that property is absent. */
  payloadFallback?: string;
}

const TYPED_INPUT_TYPES = new Set(['msg', 'flow', 'global', 'env', 'str']);

export function typedSetting(value: unknown, type: unknown, defaultProperty: string, payloadFallback: string): TypedSetting {
  const t = typeof type === 'string' && TYPED_INPUT_TYPES.has(type) ? type : 'msg';
  const v = typeof value === 'string' && (value !== '' || t === 'str') ? value : defaultProperty;
  const isDefault = t === 'msg' && v === defaultProperty;
  return { value: v, type: t, payloadFallback: isDefault ? payloadFallback : undefined };
}

function evaluate(RED: NodeAPI, node: Node, setting: TypedSetting, msg: Msg): Promise<unknown> {
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(setting.value, setting.type, node, msg as never, (err, value) => {
      if (err) reject(badInput(`cannot read ${setting.type}.${quote(setting.value)}: ${quote(err.message)}`));
      else resolve(value);
    });
  });
}

function sourceOf(setting: TypedSetting): string {
  if (setting.type === 'str') return 'the configured value';
  const where = `${setting.type}.${setting.value}`;
  return setting.payloadFallback ? `${where} (or msg.payload.${setting.payloadFallback})` : where;
}

/**
 * A SID read from its typedInput, falling back to the status-callback field in msg.payload so
 * that an `http in` flow needs no configuration. It must be one safe path segment.
 */
export async function resolveSid(RED: NodeAPI, node: Node, setting: TypedSetting, msg: Msg, label: string): Promise<string> {
  let value = await evaluate(RED, node, setting, msg);
  if ((value === undefined || value === null) && setting.payloadFallback) {
    const payload = msg.payload;
    if (payload !== null && typeof payload === 'object') {
      value = (payload as Record<string, unknown>)[setting.payloadFallback];
    }
  }
  if (value === undefined || value === null) throw badInput(`${label} is missing: set ${sourceOf(setting)}`);
  if (typeof value !== 'string') throw badInput(`${label} must be a string, got ${Array.isArray(value) ? 'array' : typeof value} from ${sourceOf(setting)}`);
  if (value.trim() === '') throw badInput(`${label} is empty in ${sourceOf(setting)}`);
  if (!isSafeSegment(value)) {
    throw badInput(`${label} ${describeValue(value)} may contain only letters, digits, "-" and "_"`);
  }
  return value;
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
  throw badInput(`msg.${name} must be true or false (boolean or string), got ${describeValue(msgValue)}`);
}

/** An optional integer from the msg or the node; blank means "not set". */
export function optionalInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw badInput(`${name} must be a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}, got ${describeValue(value)}`);
  }
  return n;
}

export function optionalPageToken(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^P[AB][A-Za-z0-9_.~-]*$/.test(value) || value.length > 512) {
    throw badInput(`${name} must be a page token starting with PA or PB, got ${describeValue(value)}`);
  }
  return value;
}

/** First non-blank of the msg's value and the node's. */
export function msgOrNode(msgValue: unknown, nodeValue: unknown): unknown {
  return msgValue === undefined || msgValue === null || msgValue === '' ? nodeValue : msgValue;
}
