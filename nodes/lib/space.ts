import { isIP } from 'node:net';
import { DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_RETRY_BASE_MS } from './retry';
import { describeValue, quote, SignalWireError } from './errors';
import type { ApiEndpoint, SpaceSettings } from './types';

export const DEFAULT_API_ROOT = '/api/laml/2010-04-01';
export const DEFAULTS = { timeoutS: 10, retries: 3, maxInFlight: 10, maxQueue: 1000 } as const;

function configError(message: string): SignalWireError {
  return new SignalWireError('config', message);
}

const SPACE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
// Only plain path characters: a configured API root can never smuggle a query, a fragment or
// an encoded separator into the requests built on it.
const SAFE_PATH = /^(?:\/[A-Za-z0-9._~-]+)+$/;

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * Turns what a user typed as the space into the API's origin and root path.
 * `example`, `example.signalwire.com`, `https://example.signalwire.com[/]` all give
 * https://example.signalwire.com + /api/laml/2010-04-01; another https host is allowed for
 * Twilio-compatible services, with its URL path as the API root; http only on loopback.
 */
export function parseSpace(input: string): ApiEndpoint {
  // A pasted https://user:token@host must not reach an error message, whatever else is wrong.
  const text = input.trim();
  if (withoutUserinfo(text) !== text) throw configError('SignalWire space URL must not contain a user name or password');
  const shown = quote(text);
  if (text === '') {
    throw configError('SignalWire space is not set: fill in the config node or set SIGNALWIRE_SPACE');
  }
  if (/[\s\\%]/.test(text) || /\/\.\.?(\/|$)/.test(text)) {
    throw configError(`SignalWire space "${shown}" contains spaces, backslashes, "%" or dot segments`);
  }
  if (SPACE_NAME.test(text)) {
    return { origin: `https://${text.toLowerCase()}.signalwire.com`, apiRoot: DEFAULT_API_ROOT };
  }
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    throw configError(`SignalWire space "${shown}" is not a space name, host name or URL`);
  }
  if (url.search || url.hash || text.includes('?') || text.includes('#')) {
    throw configError('SignalWire space URL must not contain a query or fragment');
  }
  if (url.username || url.password) throw configError('SignalWire space URL must not contain a user name or password');
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw configError(`SignalWire space "${shown}": plain http:// is allowed only for loopback hosts (127.0.0.1, localhost, [::1]); use https://`);
    }
  } else if (url.protocol !== 'https:') {
    throw configError(`SignalWire space "${shown}": only https:// URLs are supported`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '' && (!SAFE_PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..'))) {
    throw configError(`SignalWire space URL path "${quote(url.pathname)}" is not a plain API root path`);
  }
  return { origin: url.origin, apiRoot: path === '' ? DEFAULT_API_ROOT : path };
}

/** The text with anything between "//" and an "@" before the path cut out. */
function withoutUserinfo(text: string): string {
  return text.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#]*@/i, '$1');
}

// SignalWire IDs are UUIDs, other services use prefixed SIDs: accept both, but nothing that
// could leave its path segment (no "/", "?", "#", "%", "." or spaces).
const PATH_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;

export function isSafeSegment(value: string): boolean {
  return PATH_SEGMENT.test(value);
}

export interface SpaceConfig {
  space?: string;
  timeout?: number | string;
  retries?: number | string;
  maxInFlight?: number | string;
  maxQueue?: number | string;
  /** Not in the editor: the first backoff step in ms (tests shorten it). */
  retryBaseMs?: number | string;
  /** Not in the editor: the longest wait a Retry-After header can impose, in ms. */
  maxRetryAfterMs?: number | string;
}

export interface SpaceCredentials {
  projectId?: string;
  apiToken?: string;
}

function numberSetting(value: unknown, fallback: number, name: string, min: number, max: number, integer: boolean): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw configError(`SignalWire ${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return n;
}

function firstNonEmpty(...values: Array<string | undefined>): string {
  for (const v of values) {
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return '';
}

/**
 * Resolves a config node's settings, taking the space, Project ID and token from the
 * environment where the node leaves them empty (containers keep secrets out of flows).
 */
export function resolveSpaceSettings(config: SpaceConfig, credentials: SpaceCredentials | undefined, env: NodeJS.ProcessEnv = process.env): SpaceSettings {
  const endpoint = parseSpace(firstNonEmpty(config.space, env.SIGNALWIRE_SPACE, env.SIGNALWIRE_SPACE_URL));
  const projectId = firstNonEmpty(credentials?.projectId, env.SIGNALWIRE_PROJECT_ID);
  if (projectId === '') {
    throw configError('SignalWire Project ID is not set: fill in the config node or set SIGNALWIRE_PROJECT_ID');
  }
  if (!isSafeSegment(projectId)) {
    throw configError('SignalWire Project ID may contain only letters, digits, "-" and "_"');
  }
  const apiToken = firstNonEmpty(credentials?.apiToken, env.SIGNALWIRE_API_TOKEN);
  if (apiToken === '') {
    throw configError('SignalWire API token is not set: fill in the config node or set SIGNALWIRE_API_TOKEN');
  }
  return {
    endpoint,
    projectId,
    apiToken,
    timeoutMs: Math.round(numberSetting(config.timeout, DEFAULTS.timeoutS, 'timeout (seconds)', 0.1, 600, false) * 1000),
    retries: numberSetting(config.retries, DEFAULTS.retries, 'retries', 0, 10, true),
    maxInFlight: numberSetting(config.maxInFlight, DEFAULTS.maxInFlight, 'max requests in flight', 1, 100, true),
    maxQueued: numberSetting(config.maxQueue, DEFAULTS.maxQueue, 'max queued requests', 0, 100_000, true),
    retryBaseMs: numberSetting(config.retryBaseMs, DEFAULT_RETRY_BASE_MS, 'retry base (ms)', 1, 60_000, true),
    maxRetryAfterMs: numberSetting(config.maxRetryAfterMs, DEFAULT_MAX_RETRY_AFTER_MS, 'max Retry-After (ms)', 0, 300_000, true),
  };
}
