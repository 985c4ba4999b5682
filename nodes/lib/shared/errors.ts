import { STATUS_CODES } from 'node:http';
import { cutText, MAX_QUOTED_CHARS, type Problem } from './rules';
import { text, type Vars } from './texts';

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

/** How an error came about: the extra facts an HTTP answer gives. */
export interface ErrorFacts {
  statusCode?: number;
  body?: ApiErrorBody;
  /** Attempts made, when more than one. */
  attempts?: number;
}

/**
 * The one error type of this package. It carries the key of its text in the runtime catalogue
 * (`errors.<key>`) and the values for it, so the message reads in the runtime's language. It
 * holds no request config or headers, so it can be logged, put on a msg or handed to a Catch
 * node without carrying the API token.
 */
export class SignalWireError extends Error {
  readonly kind: FailureKind;
  readonly key: string;
  readonly vars: Vars;
  readonly statusCode?: number;
  readonly body?: ApiErrorBody;
  readonly attempts?: number;

  constructor(kind: FailureKind, key: string, vars: Vars = {}, facts: ErrorFacts = {}) {
    const attempts = facts.attempts !== undefined && facts.attempts > 1 ? facts.attempts : undefined;
    super(attempts ? `${text(`errors.${key}`, vars)} ${text('errors.after-attempts', { count: attempts })}` : text(`errors.${key}`, vars));
    this.name = 'SignalWireError';
    this.kind = kind;
    this.key = key;
    this.vars = vars;
    this.statusCode = facts.statusCode;
    this.body = facts.body;
    this.attempts = attempts;
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
  return new SignalWireError(kind, 'unexpected', { message: quote(String((err as Error)?.message ?? err)) });
}

export function abortError(): SignalWireError {
  return new SignalWireError('aborted', 'aborted');
}

export function isAbort(err: unknown): boolean {
  return err instanceof SignalWireError && err.kind === 'aborted';
}

export function badInput(key: string, vars?: Vars): SignalWireError {
  return new SignalWireError('bad-input', key, vars);
}

export function configError(key: string, vars?: Vars): SignalWireError {
  return new SignalWireError('config', key, vars);
}

/**
 * The error for a broken rule (see rules.ts): its field named in the runtime's language, user
 * text cut and escaped, and the offending value described when there is one.
 */
export function problemError(kind: FailureKind, problem: Problem, ...value: [unknown?]): SignalWireError {
  const vars: Vars = {};
  for (const [k, v] of Object.entries(problem.vars)) vars[k] = typeof v === 'string' ? quote(v) : v;
  if (typeof problem.vars.field === 'string') vars.field = text(`fields.${problem.vars.field}`);
  if (value.length > 0) vars.value = describeValue(value[0]);
  return new SignalWireError(kind, problem.key, vars);
}

export function badResponse(key: string, vars?: Vars, facts?: ErrorFacts): SignalWireError {
  return new SignalWireError('bad-response', key, vars, facts);
}

/** Longest field of an API error body kept on `msg.signalwireError`. */
const MAX_ERROR_FIELD_CHARS = 500;

// C0/C1 controls and the Unicode line separators: any of them could forge a log line.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text from a server or a message, made safe to quote: control characters escaped (a CR/LF
 * cannot start a forged log line) and cut to `max` characters with a marker that says how many
 * were left out, when the marker is shorter than what it replaces (see cutText).
 */
export function quote(value: string, max = MAX_QUOTED_CHARS): string {
  const cut = cutText(value, max, cutMarker);
  return cut.replace(CONTROL_CHARS, (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const cutMarker = (count: number): string => text('values.cut', { count });

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value from a message, described for an error: `"abc"`, `NaN`, `Infinity`, `an object`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${quote(value)}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return text('values.nothing');
  if (Array.isArray(value)) return text('values.array');
  return typeof value === 'object' ? text('values.object') : text('values.other', { type: typeof value });
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

/** The same error with every secret form removed from its values and its API body. */
export function redactError(err: SignalWireError, secrets: readonly string[]): SignalWireError {
  if (secrets.length === 0) return err;
  let changed = false;
  const clean = (v: string): string => {
    const r = redact(v, secrets);
    if (r !== v) changed = true;
    return r;
  };
  const vars: Vars = {};
  for (const [k, v] of Object.entries(err.vars)) vars[k] = typeof v === 'string' ? clean(v) : v;
  let body = err.body;
  if (body) {
    body = { ...body };
    if (body.message !== undefined) body.message = clean(body.message);
    if (body.more_info !== undefined) body.more_info = clean(body.more_info);
  }
  if (!changed) return err;
  return new SignalWireError(err.kind, err.key, vars, { statusCode: err.statusCode, body, attempts: err.attempts });
}

/**
 * What a request is about, so that a 404 to it says in a person's words what was not found
 * instead of the API's resource path: a participant (get, update), the removal of one, a
 * conference (get, update, the list of its participants or recordings), a recording (update,
 * delete), a call, or the account itself (the list of its conferences: a 404 there means a wrong
 * space or Project ID).
 */
export type Subject = 'participant' | 'participant-removal' | 'conference' | 'recording' | 'call' | 'account';

function notFound(subject: Subject, facts: ErrorFacts): SignalWireError {
  switch (subject) {
    case 'participant':
      return new SignalWireError('http', 'participant-not-found', {}, facts);
    case 'participant-removal':
      return new SignalWireError('http', 'participant-already-left', {}, facts);
    case 'conference':
      return new SignalWireError('http', 'conference-not-found', {}, facts);
    case 'recording':
      return new SignalWireError('http', 'recording-not-found', {}, facts);
    case 'call':
      return new SignalWireError('http', 'call-not-found', {}, facts);
    case 'account':
      return new SignalWireError('http', 'account-not-found', {}, facts);
  }
}

/**
 * Builds the error for an HTTP answer that was not a success. Secrets are removed from the
 * raw body before it is cut, so no part of one survives a cut through it. A 404 to a request
 * about a `subject` says what was not found; the API's text and code stay in `body` (for
 * msg.signalwireError). An HTML or other non-JSON 404 keeps the plain HTTP text: that is a
 * wrong address answering, not the API saying the resource is gone.
 */
export function fromHttpResponse(status: number, rawBody: unknown, secrets: readonly string[] = [], attempts?: number, subject?: Subject): SignalWireError {
  const full = parseErrorBody(typeof rawBody === 'string' ? redact(rawBody, secrets) : rawBody);
  const body = full && { ...full };
  if (body?.message !== undefined) body.message = quote(body.message, MAX_ERROR_FIELD_CHARS);
  if (body?.more_info !== undefined) body.more_info = quote(body.more_info, MAX_ERROR_FIELD_CHARS);
  const facts: ErrorFacts = { statusCode: status, body, attempts };
  if (status === 404 && subject !== undefined && (full !== undefined || isEmpty(rawBody))) return notFound(subject, facts);
  // Said in the package's words, whatever the body says (it stays on msg.signalwireError).
  if (status === 429) return new SignalWireError('http', 'rate-limited', {}, facts);
  const statusText = STATUS_CODES[status] ?? 'HTTP error';
  if (full?.message !== undefined) {
    const message = quote(full.message);
    return full.code !== undefined
      ? new SignalWireError('http', 'api', { status, code: full.code, message }, facts)
      : new SignalWireError('http', 'api-no-code', { status, message }, facts);
  }
  if (status >= 300 && status < 400) return new SignalWireError('http', 'redirect', { status, statusText }, facts);
  return isEmpty(rawBody)
    ? new SignalWireError('http', 'http-empty', { status, statusText }, facts)
    : new SignalWireError('http', 'http-not-json', { status, statusText }, facts);
}

function isEmpty(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

/** The most entries of an `errors` array read into an error's message. */
const MAX_ERROR_TEXTS = 10;

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
  // A 422 of the spec (CompatibilityErrorStringArrayResponse) is `{ errors: [text, ...] }`.
  if (body.message === undefined && Array.isArray(v.errors)) {
    const texts = v.errors.slice(0, MAX_ERROR_TEXTS).filter((e): e is string => typeof e === 'string');
    if (texts.length > 0) body.message = texts.join('; ');
  }
  return Object.keys(body).length > 0 ? body : undefined;
}

/** Where a failure lands on the msg that a Catch node receives. */
export function describeOnMsg(msg: Record<string, unknown>, err: SignalWireError): void {
  if (err.statusCode !== undefined) msg.statusCode = err.statusCode;
  if (err.body !== undefined) msg.signalwireError = { ...err.body };
}
