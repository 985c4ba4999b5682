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
  return new SignalWireError(kind, `SignalWire: ${(err as Error)?.message ?? String(err)}`);
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

/** Builds the error for an HTTP answer that was not a success. */
export function fromHttpResponse(status: number, rawBody: unknown): SignalWireError {
  const body = parseErrorBody(rawBody);
  const statusText = STATUS_CODES[status] ?? 'HTTP error';
  let message: string;
  if (body?.message !== undefined) {
    message = body.code !== undefined
      ? `SignalWire ${status} (${body.code}): ${body.message}`
      : `SignalWire ${status}: ${body.message}`;
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
