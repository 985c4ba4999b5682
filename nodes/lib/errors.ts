import { STATUS_CODES } from 'node:http';

/** The JSON error body of the API: `{ code, message, more_info, status }`. */
export interface ApiErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/** Why a request failed, in words short enough for a node status. */
export type FailureKind =
  | 'bad-input'
  | 'config'
  | 'http'
  | 'timeout'
  | 'unreachable'
  | 'connection'
  | 'bad-response'
  | 'queue-full'
  | 'aborted';

/**
 * The one error type of this package. It holds no request config or headers, so it can be
 * logged, put on a msg or handed to a Catch node without carrying the API token.
 */
export class SignalWireError extends Error {
  readonly kind: FailureKind;
  readonly statusCode?: number;
  readonly body?: ApiErrorBody;

  constructor(kind: FailureKind, message: string, statusCode?: number, body?: ApiErrorBody) {
    super(message);
    this.name = 'SignalWireError';
    this.kind = kind;
    this.statusCode = statusCode;
    this.body = body;
  }

  /** Node-RED puts toString() in msg.error.message: keep it the plain sentence. */
  override toString(): string {
    return this.message;
  }

  get code(): number | undefined {
    return this.body?.code;
  }

  get moreInfo(): string | undefined {
    return this.body?.more_info;
  }
}

/** Any thrown value as this package's error type (a SignalWireError passes through). */
export function toSignalWireError(err: unknown, kind: FailureKind = 'connection'): SignalWireError {
  if (err instanceof SignalWireError) return err;
  return new SignalWireError(kind, `SignalWire: ${quote(String((err as Error)?.message ?? err))}`);
}

export function abortError(): SignalWireError {
  return new SignalWireError('aborted', 'SignalWire request aborted: the node was closed');
}

export function isAbort(err: unknown): boolean {
  return err instanceof SignalWireError && err.kind === 'aborted';
}

export function badInput(message: string): SignalWireError {
  return new SignalWireError('bad-input', message);
}

/** Longest piece of server- or message-controlled text that an error quotes. */
export const MAX_QUOTED_CHARS = 200;
/** Longest field of an API error body kept on `msg.signalwireError`. */
export const MAX_ERROR_FIELD_CHARS = 500;

// C0/C1 controls and the Unicode line separators: any of them could forge a log line.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text from a server or a message, made safe to quote: control characters escaped (a CR/LF
 * cannot start a forged log line) and cut to `max` characters.
 */
export function quote(text: string, max = MAX_QUOTED_CHARS): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
  return cut.replace(CONTROL_CHARS, (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value from a message, described for an error: `"abc"`, `NaN`, `Infinity`, `an object`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${quote(value)}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
}

/** Secrets shorter than this are not searched for: they would blank ordinary words. */
const MIN_SECRET_CHARS = 4;

/**
 * Every form in which a credential can come back in a server's text: the token itself, the
 * `projectId:token` pair and its base64 (the Authorization header), and the URL-encoded token.
 */
export function secretForms(projectId: string, secret: string): string[] {
  if (secret.length < MIN_SECRET_CHARS) return [];
  const pair = `${projectId}:${secret}`;
  const forms = [Buffer.from(pair).toString('base64'), pair, secret, encodeURIComponent(secret)];
  // Longest first, so that a pair is replaced whole rather than leaving its project ID behind.
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

export const REDACTED = '[redacted]';

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** The same error with every secret form removed from its message and its API body. */
export function redactError(err: SignalWireError, secrets: readonly string[]): SignalWireError {
  if (secrets.length === 0) return err;
  const message = redact(err.message, secrets);
  let body = err.body;
  if (body) {
    body = { ...body };
    if (body.message !== undefined) body.message = redact(body.message, secrets);
    if (body.more_info !== undefined) body.more_info = redact(body.more_info, secrets);
  }
  if (message === err.message && body?.message === err.body?.message && body?.more_info === err.body?.more_info) return err;
  return new SignalWireError(err.kind, message, err.statusCode, body);
}

/**
 * Builds the error for an HTTP answer that was not a success. Secrets are removed from the
 * raw body before it is cut, so no part of one survives a cut through it.
 */
export function fromHttpResponse(status: number, rawBody: unknown, secrets: readonly string[] = []): SignalWireError {
  const full = parseErrorBody(typeof rawBody === 'string' ? redact(rawBody, secrets) : rawBody);
  const body = full && { ...full };
  if (body?.message !== undefined) body.message = quote(body.message, MAX_ERROR_FIELD_CHARS);
  if (body?.more_info !== undefined) body.more_info = quote(body.more_info, MAX_ERROR_FIELD_CHARS);
  const statusText = STATUS_CODES[status] ?? 'HTTP error';
  let message: string;
  if (full?.message !== undefined) {
    message = full.code !== undefined
      ? `SignalWire ${status} (${full.code}): ${quote(full.message)}`
      : `SignalWire ${status}: ${quote(full.message)}`;
  } else if (status >= 300 && status < 400) {
    message = `SignalWire ${status}: ${statusText}, redirect not followed (the API does not redirect)`;
  } else {
    const what = isEmpty(rawBody) ? 'empty response body' : 'response body is not a JSON error';
    message = `SignalWire ${status}: ${statusText} (${what})`;
  }
  return new SignalWireError('http', message, status, body);
}

function isEmpty(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

function parseErrorBody(raw: unknown): ApiErrorBody | undefined {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const body: ApiErrorBody = {};
  if (typeof v.code === 'number') body.code = v.code;
  if (typeof v.message === 'string') body.message = v.message;
  if (typeof v.more_info === 'string') body.more_info = v.more_info;
  if (typeof v.status === 'number') body.status = v.status;
  return Object.keys(body).length > 0 ? body : undefined;
}

/** Where a failure lands on the msg that a Catch node receives. */
export function describeOnMsg(msg: Record<string, unknown>, err: SignalWireError): void {
  if (err.statusCode !== undefined) msg.statusCode = err.statusCode;
  if (err.body !== undefined) msg.signalwireError = { ...err.body };
}
