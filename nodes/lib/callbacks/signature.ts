// Checking a SignalWire (or Twilio) callback signature, as the vendor's SDK does:
// X-SignalWire-Signature (alias X-Twilio-Signature) = base64(HMAC-SHA1(Signing Key,
// URL + every POST parameter's name and value, sorted by name; a repeated name's values sorted)).
// The SDK accepts the signature over the URL with the scheme's default port written out and
// over the URL without a port: SignalWire is not consistent about the port.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import type { Node } from 'node-red';
import { REDACTED } from '../shared/errors';
import { resolveCredentials } from '../client/space';

/** POST parameters as received: each name with its values in arrival order. */
export type CallbackParams = Map<string, string[]>;

/**
 * A Signing Key that signs but cannot be read back: the key lives in a closure, so logging,
 * inspecting or serialising the holder (or a node that keeps it) shows no secret.
 */
export interface SigningKey {
  /** base64 HMAC-SHA1 of `data` (UTF-8) under the key. */
  sign(data: string): string;
}

export function signingKey(secret: string): SigningKey {
  const hidden = {
    sign: (data: string) => createHmac('sha1', secret).update(data, 'utf8').digest('base64'),
    toJSON: () => REDACTED,
    toString: () => REDACTED,
    [inspect.custom]: () => '[SigningKey]',
  };
  return Object.freeze(hidden);
}

/** What the config node `signalwire-space` offers the conference events node. */
export interface CallbackAuth {
  /** The Project ID (also the AccountSid of every callback of the project); '' when unset. */
  projectId: string;
  /** The Signing Key; undefined when neither the credential nor SIGNALWIRE_SIGNING_KEY is set. */
  key: SigningKey | undefined;
}

/** The config node's callback settings: its credentials, or SIGNALWIRE_* variables where they are empty. */
export function resolveCallbackAuth(credentials: { projectId?: string; signingKey?: string } | undefined, env: NodeJS.ProcessEnv = process.env): CallbackAuth {
  const { projectId, signingKey: secret } = resolveCredentials(credentials, env);
  return { projectId, key: secret === '' ? undefined : signingKey(secret) };
}

/**
 * A callback's parameters in signing order: each name with each of its values, names sorted
 * and a repeated name's values sorted, as one text (what is signed after the URL), and the
 * length of each name and value (which, with the text, tells the pairs apart for the identity).
 * Worked out once per callback: the signature check and the identity both read it, and the
 * parameters are not changed after parsing.
 */
interface SigningOrder {
  text: string;
  lengths: string;
}
let last: { params: CallbackParams; order: SigningOrder } | undefined;
function signingOrder(params: CallbackParams): SigningOrder {
  // The callback being handled: its check and its identity come one after the other.
  if (last?.params === params) return last.order;
  let text = '';
  let lengths = '';
  // Plain code-unit order, as the SDKs sort (Array.prototype.sort without a comparator).
  for (const name of [...params.keys()].sort()) {
    const values = params.get(name)!;
    for (const value of values.length === 1 ? values : [...values].sort()) {
      text += name + value;
      lengths += `${name.length},${value.length};`;
    }
  }
  const order = { text, lengths };
  last = { params, order };
  return order;
}

/** The text that is signed: the URL, then each name with each of its values, names and values sorted. */
export function signedData(url: string, params: CallbackParams): string {
  return url + signingOrder(params).text;
}

const DEFAULT_PORTS: Record<string, string> = { 'https:': '443', 'http:': '80' };

/**
 * The URL forms a signature is checked against, as SignalWire's SDK checks them: with the
 * scheme's default port written out (a URL that has a port keeps it) and without any port, each
 * both as written and as the SDK's URL parser rewrites it (scheme and host in lower case, "/" for
 * an empty path). Built on the text, so nothing else of the URL changes (no re-encoding).
 */
function urlForms(url: string): string[] {
  const m = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)(.*)$/is.exec(url);
  if (!m) return [url];
  const [, scheme, authority, rest] = m;
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? '' : authority.slice(0, at + 1);
  // "[::1]:8080" or "host:8080": the port is after the last ":" outside the brackets.
  const pm = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority.slice(at + 1));
  if (!pm) return [url];
  const [, host, port] = pm;
  // The URL exactly as it came is one of the forms: first, as the likeliest to match.
  const forms = new Set<string>([url]);
  for (const [s, h, r] of [
    [scheme, host, rest],
    [scheme.toLowerCase(), host.toLowerCase(), rest === '' || /^[?#]/.test(rest) ? `/${rest}` : rest],
  ]) {
    const defaultPort = DEFAULT_PORTS[s.toLowerCase()];
    const keptPort = port !== undefined && port !== '' && port !== defaultPort ? port : defaultPort;
    forms.add(keptPort ? `${s}//${userinfo}${h}:${keptPort}${r}` : `${s}//${userinfo}${h}${r}`);
    forms.add(`${s}//${userinfo}${h}${r}`);
  }
  return [...forms];
}

/** Longest signature header looked at: a base64 SHA-1 is 28 characters. */
const MAX_SIGNATURE_CHARS = 256;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // Lengths are public (every valid signature has 28 characters); the contents are compared in
  // constant time.
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when `signature` is the callback's signature under `key` for `url` (in any of its
 * forms, see urlForms) and `params`. Each comparison is timing-safe; the forms are tried in
 * order (the URL as it came first) and the first match ends the check: which form of a public
 * URL matched is no secret, while a forged signature still costs every form.
 */
export function checkSignature(key: SigningKey, signature: string, url: string, params: CallbackParams): boolean {
  if (signature === '' || signature.length > MAX_SIGNATURE_CHARS) return false;
  const signed = signingOrder(params).text;
  // The URL as it came matches nearly always: the other forms are only worked out when it does not.
  if (sameText(signature, key.sign(url + signed))) return true;
  for (const form of urlForms(url)) {
    if (form !== url && sameText(signature, key.sign(form + signed))) return true;
  }
  return false;
}

/**
 * Identifies a callback by its parameters (names and values, sorted; the URL left out): a
 * repeat of the same callback, signed over either port form, has the same identity, while two
 * different callbacks always differ in their event, call or timestamp.
 */
export function callbackIdentity(params: CallbackParams): string {
  // The lengths first (digits, "," and ";" only), so that no two sets of pairs give one text.
  const { text, lengths } = signingOrder(params);
  return createHash('sha256').update(lengths).update('\n').update(text, 'utf8').digest('base64');
}

/** The config node `signalwire-space` as the conference events node sees it. */
export interface CallbackSpaceNode extends Node {
  callbackAuth?: CallbackAuth;
}
