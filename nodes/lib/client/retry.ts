import type { AxiosError } from 'axios';

/** The longest exponential backoff step between two attempts. */
export const MAX_BACKOFF_MS = 20_000;
export const DEFAULT_RETRY_BASE_MS = 500;
/** The longest wait a Retry-After header can impose, unless the space node says otherwise. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

/** Statuses the API documents as safe to retry; every other 4xx/5xx fails at once. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** No answer came, but asking again cannot succeed either. */
const PERMANENT_NETWORK_CODES = new Set(['ERR_CANCELED', 'ENOTFOUND', 'ERR_INVALID_URL', 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED', 'ERR_BAD_RESPONSE']);

/** A 429 / 502 / 503 / 504, a timeout or a dropped connection: worth another try. */
export function isRetryable(error: AxiosError): boolean {
  if (error.response) return RETRY_STATUSES.has(error.response.status);
  return !PERMANENT_NETWORK_CODES.has(error.code ?? '');
}

/**
 * Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date), or undefined
 * when there is none or it cannot be read.
 */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The longest backoff before retry number `attempt` (1-based): the jitter picks at most this. */
export function backoffCap(attempt: number, baseMs: number, maxBackoffMs: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), maxBackoffMs);
}

export interface BackoffOptions {
  baseMs: number;
  maxBackoffMs: number;
  maxRetryAfterMs: number;
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based): the server's Retry-After when it sent one
 * (capped), else exponential backoff with "equal jitter" so that many clients do not retry
 * in step.
 */
export function retryDelay(attempt: number, error: AxiosError | undefined, opts: BackoffOptions): number {
  const retryAfter = parseRetryAfter(error?.response?.headers?.['retry-after']);
  if (retryAfter !== undefined) return Math.min(retryAfter, opts.maxRetryAfterMs);
  const step = backoffCap(attempt, opts.baseMs, opts.maxBackoffMs);
  const random = opts.random ?? Math.random;
  return step / 2 + random() * (step / 2);
}
