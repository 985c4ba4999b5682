// X-SignalWire-Signature (same scheme as X-Twilio-Signature): base64 HMAC-SHA1, keyed with the
// project's Signing Key, over the full URL followed by each POST parameter name and value, sorted by name.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignedParams = Record<string, string | readonly string[]> | URLSearchParams;

function signedData(url: string, params: SignedParams): string {
  const map = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const list = map.get(k);
    if (list) list.push(v);
    else map.set(k, [v]);
  };
  if (params instanceof URLSearchParams) {
    for (const [k, v] of params) add(k, v);
  } else {
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'string') add(k, v);
      else for (const x of v) add(k, x);
    }
  }
  let data = url;
  // Plain code-unit order, as the reference implementations sort; repeated names sort by value too.
  for (const k of [...map.keys()].sort()) {
    for (const v of map.get(k)!.sort()) data += k + v;
  }
  return data;
}

export function computeSignature(url: string, params: SignedParams, key: string): string {
  return createHmac('sha1', key).update(signedData(url, params), 'utf8').digest('base64');
}

/** Timing-safe check of a received signature header against the expected one. */
export function validateSignature(
  signature: string | null | undefined,
  url: string,
  params: SignedParams,
  key: string,
): boolean {
  if (typeof signature !== 'string' || signature === '') return false;
  const want = Buffer.from(computeSignature(url, params, key));
  const got = Buffer.from(signature);
  return got.length === want.length && timingSafeEqual(got, want);
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Scheme, authority (host with any port) and the rest of a URL, as written; null when not absolute. */
function splitUrl(url: string): { scheme: string; authority: string; rest: string } | null {
  const m = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)(.*)$/is.exec(url);
  return m ? { scheme: m[1].toLowerCase(), authority: m[2], rest: m[3] } : null;
}

/** The authority's port as written (`''` when none); IPv6 brackets are not mistaken for a port. */
function writtenPort(authority: string): string {
  const m = /:(\d*)$/.exec(authority);
  return m && !/\[[^\]]*$/.test(authority.slice(0, m.index + 1)) ? m[1] : '';
}

/**
 * The same URL with the scheme's default port written out (`https://host/x` -> `https://host:443/x`,
 * `:80` for http); unchanged when it names a port or has no default one. SignalWire signs some
 * callbacks over this form and some over the URL as given; the official SDK accepts both.
 */
export function withDefaultPort(url: string): string {
  const u = splitUrl(url);
  const port = u && DEFAULT_PORTS[u.scheme];
  if (!u || !port || writtenPort(u.authority) !== '' || u.authority.endsWith(':')) return url;
  return `${url.slice(0, url.length - u.rest.length)}:${port}${u.rest}`;
}

/** The same URL without the scheme's default port (`https://host:443/x` -> `https://host/x`). */
export function withoutDefaultPort(url: string): string {
  const u = splitUrl(url);
  const port = u && DEFAULT_PORTS[u.scheme];
  if (!u || !port || writtenPort(u.authority) !== port) return url;
  const head = url.slice(0, url.length - u.rest.length);
  return `${head.slice(0, head.length - port.length - 1)}${u.rest}`;
}
