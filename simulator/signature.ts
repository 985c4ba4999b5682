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
