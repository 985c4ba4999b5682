// The pieces of the conference events node, one by one, as built in dist/: the signature check
// (against the vendor SDK's own), callback parsing and typing, the replay memory,
// and the rules of its settings.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { inspect } from 'node:util';
import sinon from 'sinon';
import type * as ParsingModule from '../../nodes/lib/callbacks/parsing';
import type * as RouteModule from '../../nodes/lib/callbacks/route';
import type * as SignatureModule from '../../nodes/lib/callbacks/signature';
import type * as ReplayModule from '../../nodes/lib/callbacks/replay-memory';
import type * as RulesModule from '../../nodes/lib/shared/rules';

/* eslint-disable @typescript-eslint/no-require-imports */
// What ships: the built modules.
const sig: typeof SignatureModule = require('../../dist/nodes/lib/callbacks/signature.js');
const parsing: typeof ParsingModule = require('../../dist/nodes/lib/callbacks/parsing.js');
const route: typeof RouteModule = require('../../dist/nodes/lib/callbacks/route.js');
const { ReplayMemory }: typeof ReplayModule = require('../../dist/nodes/lib/callbacks/replay-memory.js');
const rules: typeof RulesModule = require('../../dist/nodes/lib/shared/rules.js');
// The vendor SDK: what SignalWire's own users validate with (its webhooks module, by file: the
// package's exports map does not list it).
const sdk = require(path.join(path.dirname(require.resolve('@signalwire/compatibility-api')), '..', 'lib', 'webhooks', 'webhooks.js')) as {
  getExpectedTwilioSignature(key: string, url: string, params: Record<string, string | string[]>): string;
  validateRequest(key: string, header: string, url: string, params: Record<string, string | string[]>): boolean;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const KEY = 'PSK_0123456789abcdef0123456789abcdef';

function paramsOf(o: Record<string, string | string[]>): Map<string, string[]> {
  return new Map(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]));
}

const CALLBACK = {
  AccountSid: 'a1b2c3d4-0000-4000-8000-000000000001',
  ConferenceSid: 'c0nf0000-0000-4000-8000-000000000002',
  FriendlyName: 'standup',
  CallSid: 'ca110000-0000-4000-8000-000000000003',
  StatusCallbackEvent: 'participant-join',
  Muted: 'false',
  Hold: 'true',
  EndConferenceOnExit: 'false',
  StartConferenceOnEnter: 'true',
  Timestamp: 'Tue, 14 Aug 2018 19:37:39 +0000',
  CallStatus: 'in-progress',
  From: '+15551230001',
  To: '+15559870000',
  Direction: 'inbound',
  ApiVersion: '2010-04-01',
};

describe('callback signature', () => {
  const key = sig.signingKey(KEY);

  it('agrees with the SDK: a signature it makes is accepted, over the URL as given', () => {
    const url = 'https://example.com/signalwire/conference-events?x=1&y=a%20b';
    const good = sdk.getExpectedTwilioSignature(KEY, url, CALLBACK);
    assert.equal(sig.checkSignature(key, good, url, paramsOf(CALLBACK)), true);
    assert.equal(sdk.validateRequest(KEY, good, url, CALLBACK), true);
  });

  it('accepts both port forms, as the SDK does: :443/:80 written out or not, either way round', () => {
    for (const [signedOver, checkedAgainst] of [
      ['https://example.com:443/cb', 'https://example.com/cb'],
      ['https://example.com/cb', 'https://example.com:443/cb'],
      ['http://example.com:80/cb', 'http://example.com/cb'],
      ['http://example.com/cb', 'http://example.com:80/cb'],
      ['http://127.0.0.1/cb', 'http://127.0.0.1:1880/cb'],
    ]) {
      const s = sdk.getExpectedTwilioSignature(KEY, signedOver, CALLBACK);
      assert.equal(sig.checkSignature(key, s, checkedAgainst, paramsOf(CALLBACK)), true, `${signedOver} checked against ${checkedAgainst}`);
      assert.equal(sdk.validateRequest(KEY, s, checkedAgainst, CALLBACK), true, `SDK: ${signedOver} against ${checkedAgainst}`);
    }
  });

  it('refuses another port, another host, path, query, parameter value, key, and a changed or empty signature', () => {
    const url = 'https://example.com/cb';
    const s = sdk.getExpectedTwilioSignature(KEY, url, CALLBACK);
    const p = paramsOf(CALLBACK);
    const s8443 = sdk.getExpectedTwilioSignature(KEY, 'https://example.com:8443/cb', CALLBACK);
    assert.equal(sig.checkSignature(key, s8443, 'https://example.com:9443/cb', p), false);
    assert.equal(sdk.validateRequest(KEY, s8443, 'https://example.com:9443/cb', CALLBACK), false);
    assert.equal(sig.checkSignature(key, s, 'https://example.org/cb', p), false);
    assert.equal(sig.checkSignature(key, s, 'https://example.com/cb2', p), false);
    assert.equal(sig.checkSignature(key, s, 'https://example.com/cb?a=1', p), false);
    assert.equal(sig.checkSignature(key, s, url, paramsOf({ ...CALLBACK, Muted: 'true' })), false);
    assert.equal(sig.checkSignature(key, s, url, paramsOf({ ...CALLBACK, Extra: '' })), false);
    assert.equal(sig.checkSignature(sig.signingKey(`${KEY}x`), s, url, p), false);
    assert.equal(sig.checkSignature(key, `${s.slice(0, -2)}A=`, url, p), false);
    assert.equal(sig.checkSignature(key, '', url, p), false);
    assert.equal(sig.checkSignature(key, s + s, url, p), false);
  });

  it('accepts whatever the SDK accepts, and refuses what it refuses, on 300 generated callbacks, URLs and port forms', () => {
    const hosts = ['example.com', 'Example.COM', '127.0.0.1', '[::1]', 'a-b.example.org'];
    const ports = ['', ':443', ':80', ':1880'];
    const names = ['AccountSid', 'CallSid', 'From', 'To', 'b', 'B', 'a_1', 'Z', 'é', 'x y'];
    let rnd = 7;
    const next = (n: number) => {
      rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
      return rnd % n;
    };
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      const scheme = next(2) ? 'https' : next(2) ? 'http' : 'HTTPS';
      const url = `${scheme}://${hosts[next(hosts.length)]}${ports[next(ports.length)]}${next(4) ? `/p/${next(9)}` : ''}${next(2) ? `?q=${next(99)}` : ''}`;
      const params: Record<string, string> = {};
      for (let j = 0; j < 1 + next(6); j++) params[names[next(names.length)]] = `v${next(1000)}${next(2) ? ' +&=' : ''}`;
      // Signed over the URL, or over it with the port written out, dropped, or another one.
      const variant = next(4);
      const signedOver = variant === 0 ? url : url.replace(/^([a-zA-Z]+:\/\/(?:\[[^\]]*\]|[^/:?]+))(:\d+)?/, (_m, h) => `${h}${['', ':443', ':80', ':9999'][variant]}`);
      const s = next(6) === 0 ? 'bm90IGEgc2lnbmF0dXJlIGF0IGFsbCE=' : sdk.getExpectedTwilioSignature(KEY, signedOver, params);
      const shuffled = paramsOf(Object.fromEntries(Object.entries(params).reverse()));
      const mine = sig.checkSignature(key, s, url, shuffled);
      const theirs = sdk.validateRequest(KEY, s, url, params);
      const what = `${signedOver} checked against ${url} ${JSON.stringify(params)}`;
      if (theirs) assert.equal(mine, true, `SDK accepts, we refuse: ${what}`);
      // Beyond the SDK only: the URL as written, where the SDK's URL parser rewrites it (host in
      // lower case, "/" for an empty path).
      if (mine && !theirs) assert.ok(url.toLowerCase() !== url || !/^[a-z]+:\/\/[^/?#]+\//i.test(url), `we accept, SDK refuses: ${what}`);
      if (mine) accepted++;
    }
    assert.ok(accepted > 100 && accepted < 290, `${accepted} accepted: the cases cover both answers`);
  });

  it('also accepts a signature over the URL exactly as written when the SDK would lower-case its host', () => {
    const url = 'https://Example.COM/cb';
    const s = createHmac('sha1', KEY).update(sig.signedData(url, paramsOf(CALLBACK)), 'utf8').digest('base64');
    assert.equal(sig.checkSignature(key, s, url, paramsOf(CALLBACK)), true);
    assert.equal(sdk.validateRequest(KEY, s, url, CALLBACK), false);
  });

  it('signs a repeated name with each of its values in sorted order', () => {
    const url = 'https://example.com/cb';
    const data = `${url}Aone` + 'Bx' + 'By' + 'Bz';
    const s = createHmac('sha1', KEY).update(data, 'utf8').digest('base64');
    assert.equal(sig.checkSignature(key, s, url, new Map([['B', ['z', 'x', 'y']], ['A', ['one']]])), true);
    const unsorted = createHmac('sha1', KEY).update(`${url}AoneBzBxBy`, 'utf8').digest('base64');
    assert.equal(sig.checkSignature(key, unsorted, url, new Map([['B', ['z', 'x', 'y']], ['A', ['one']]])), false);
  });

  it('compares timing-safe: crypto.timingSafeEqual decides; the URL as it came is tried first, and a forged signature is compared with every form', () => {
    const crypto = require('node:crypto') as typeof import('node:crypto'); // eslint-disable-line @typescript-eslint/no-require-imports
    const spy = sinon.spy(crypto, 'timingSafeEqual');
    try {
      const url = 'https://example.com/cb';
      const s = sdk.getExpectedTwilioSignature(KEY, url, CALLBACK);
      assert.equal(sig.checkSignature(key, s, url, paramsOf(CALLBACK)), true);
      // Signed over the URL as it came: the first comparison matches.
      assert.equal(spy.callCount, 1);
      // Signed over https://example.com:443/cb: the second form matches.
      const withPort = sdk.getExpectedTwilioSignature(KEY, 'https://example.com:443/cb', CALLBACK);
      assert.equal(sig.checkSignature(key, withPort, url, paramsOf(CALLBACK)), true);
      assert.equal(spy.callCount, 3);
      // A forged signature: https://example.com/cb and https://example.com:443/cb, one comparison each.
      assert.equal(sig.checkSignature(key, `${s.slice(0, -3)}xx=`, url, paramsOf(CALLBACK)), false);
      assert.equal(spy.callCount, 5);
    } finally {
      spy.restore();
    }
  });

  it('keeps the Signing Key unreadable: not in JSON, String(), inspect or the object keys', () => {
    const auth = sig.resolveCallbackAuth({ projectId: 'p', signingKey: KEY }, {});
    const shown = [JSON.stringify(auth), String(auth.key), inspect(auth, { depth: 5, showHidden: true }), JSON.stringify(Object.entries(auth.key!))];
    for (const s of shown) assert.equal(s.includes(KEY), false, s);
    assert.equal(auth.projectId, 'p');
  });

  it('takes the Signing Key and Project ID from SIGNALWIRE_SIGNING_KEY / SIGNALWIRE_PROJECT_ID when the credentials are empty', () => {
    const auth = sig.resolveCallbackAuth({ projectId: ' ', signingKey: '' }, { SIGNALWIRE_SIGNING_KEY: KEY, SIGNALWIRE_PROJECT_ID: 'proj' });
    assert.equal(auth.projectId, 'proj');
    assert.equal(auth.key!.sign('x'), createHmac('sha1', KEY).update('x').digest('base64'));
    assert.equal(sig.resolveCallbackAuth({}, {}).key, undefined);
    assert.equal(sig.resolveCallbackAuth({ signingKey: 'mine' }, { SIGNALWIRE_SIGNING_KEY: KEY }).key!.sign('x'), createHmac('sha1', 'mine').update('x').digest('base64'));
  });

  it('gives a callback one identity whatever the order of its parameters, and another to any other callback', () => {
    const a = sig.callbackIdentity(paramsOf(CALLBACK));
    assert.equal(sig.callbackIdentity(paramsOf(Object.fromEntries(Object.entries(CALLBACK).reverse()))), a);
    assert.notEqual(sig.callbackIdentity(paramsOf({ ...CALLBACK, StatusCallbackEvent: 'participant-leave' })), a);
    assert.notEqual(sig.callbackIdentity(new Map([['ab', ['c']]])), sig.callbackIdentity(new Map([['a', ['bc']]])));
  });
});

describe('callback parsing', () => {
  it('reads only application/x-www-form-urlencoded in UTF-8', () => {
    for (const ok of ['application/x-www-form-urlencoded', 'Application/X-WWW-Form-URLEncoded; charset=UTF-8', 'application/x-www-form-urlencoded;charset="utf-8"']) assert.equal(parsing.isFormContentType(ok), true, ok);
    for (const bad of [undefined, '', 'application/json', 'multipart/form-data; boundary=x', 'text/plain', 'application/x-www-form-urlencoded; charset=latin1']) assert.equal(parsing.isFormContentType(bad), false, String(bad));
  });

  it('keeps repeated names with every value, in arrival order, and decodes + and %XX', () => {
    const p = parsing.parseForm('A=1&B=x+y&A=2&C=%C3%A9%26');
    assert.deepEqual([...p], [['A', ['1', '2']], ['B', ['x y']], ['C', ['é&']]]);
    assert.deepEqual(parsing.rawParameters(p), { A: ['1', '2'], B: 'x y', C: 'é&' });
  });

  it('keeps a parameter named __proto__ a plain key of msg.callback, and out of the payload', () => {
    const p = parsing.parseForm('__proto__=x&constructor=y&StatusCallbackEvent=conference-end');
    const raw = parsing.rawParameters(p);
    assert.equal(Object.getPrototypeOf(raw), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(raw, '__proto__')?.value, 'x');
    const ev = parsing.toConferenceEvent(p);
    assert.deepEqual(Object.keys(ev), ['event']);
    assert.equal(Object.getPrototypeOf(ev), Object.prototype);
  });

  it('types the event: booleans, ISO timestamp, numbers, camelCase names, the known fields first', () => {
    const ev = parsing.toConferenceEvent(paramsOf({ ...CALLBACK, SequenceNumber: '4', Coaching: 'TRUE', RecordingUrl: 'https://r/1', URL: 'u' }));
    assert.deepEqual(Object.keys(ev).slice(0, 4), ['event', 'conferenceSid', 'friendlyName', 'callSid']);
    assert.deepEqual(ev, {
      event: 'participant-join',
      conferenceSid: CALLBACK.ConferenceSid,
      friendlyName: 'standup',
      callSid: CALLBACK.CallSid,
      accountSid: CALLBACK.AccountSid,
      muted: false,
      hold: true,
      endConferenceOnExit: false,
      startConferenceOnEnter: true,
      timestamp: '2018-08-14T19:37:39.000Z',
      callStatus: 'in-progress',
      from: '+15551230001',
      to: '+15559870000',
      direction: 'inbound',
      apiVersion: '2010-04-01',
      sequenceNumber: 4,
      coaching: true,
      recordingUrl: 'https://r/1',
      url: 'u',
    });
  });

  it('reads a repeated typed parameter (Muted=true&Muted=false) from its first value', () => {
    const ev = parsing.toConferenceEvent(
      parsing.parseForm('Muted=true&Muted=false&Hold=false&Hold=true&SequenceNumber=1&SequenceNumber=2&Timestamp=Tue%2C%2014%20Aug%202018%2019%3A37%3A39%20%2B0000&Timestamp=Wed%2C%2015%20Aug%202018%2019%3A37%3A39%20%2B0000'),
    );
    assert.deepEqual(ev, { muted: true, hold: false, sequenceNumber: 1, timestamp: '2018-08-14T19:37:39.000Z' });
  });

  it('gives null for a value that is not its type, and keeps every value of a repeated untyped parameter', () => {
    const ev = parsing.toConferenceEvent(paramsOf({ Muted: 'yes', Timestamp: 'yesterday', Duration: '-3', Tag: ['a', 'b'] }));
    assert.deepEqual(ev, { muted: null, timestamp: null, duration: null, tag: ['a', 'b'] });
  });

  it('remembers how to read at most 1,000 parameter names, none longer than 64 characters, and reads the same either way', () => {
    // With checking off, anyone can send names: what the node remembers of them is bounded.
    // Checked after every callback: a bound held only now and then is no bound.
    let most = 0;
    for (let i = 0; i < 3000; i++) {
      parsing.toConferenceEvent(paramsOf({ [`Name${i}`]: 'x', Muted: 'true' }));
      most = Math.max(most, parsing.rememberedFieldNames());
    }
    assert.equal(most, 1000, 'at most 1,000 names, and up to 1,000 are remembered');
    const long = `Long${'x'.repeat(100)}`;
    parsing.toConferenceEvent(paramsOf({ CallSid: 'CA0', StatusCallbackEvent: 'participant-leave' }));
    const before = parsing.rememberedFieldNames();
    const first = parsing.toConferenceEvent(paramsOf({ [long]: 'v', CallSid: 'CA1', StatusCallbackEvent: 'participant-join' }));
    assert.equal(parsing.rememberedFieldNames(), before, 'a long name is not remembered');
    // The second time from the remembered rules: the same event, the known fields first.
    const second = parsing.toConferenceEvent(paramsOf({ [long]: 'v', CallSid: 'CA1', StatusCallbackEvent: 'participant-join' }));
    assert.deepEqual(Object.entries(second), Object.entries(first));
    assert.deepEqual(Object.keys(first), ['event', 'callSid', `long${'x'.repeat(100)}`]);
  });

  it('camel-cases names as they are written: CallStatus, URL, URLPath, EndConferenceOnExit', () => {
    assert.deepEqual(['CallStatus', 'URL', 'URLPath', 'EndConferenceOnExit', 'from'].map(parsing.camelCase), ['callStatus', 'url', 'urlPath', 'endConferenceOnExit', 'from']);
  });

  it('takes a body a middleware already parsed only as flat text values', () => {
    assert.deepEqual([...parsing.paramsFromParsed({ A: '1', B: ['x', 'y'] })!], [['A', ['1']], ['B', ['x', 'y']]]);
    assert.equal(parsing.paramsFromParsed({ A: { nested: '1' } }), undefined);
    assert.equal(parsing.paramsFromParsed('A=1'), undefined);
  });
});

describe('replay memory', () => {
  it('remembers a callback for ten minutes from when it was first seen, then forgets it', () => {
    let now = 1_000_000;
    const memory = new ReplayMemory({ now: () => now });
    assert.equal(memory.repeated('a'), false);
    now += 9 * 60_000;
    assert.equal(memory.repeated('a'), true);
    now += 60_000 - 1;
    assert.equal(memory.repeated('a'), true);
    now += 1;
    assert.equal(memory.repeated('a'), false, 'ten minutes after it was first seen: a repeat does not prolong it');
    assert.equal(memory.repeated('a'), true, 'seen again: remembered again');
  });

  it('keeps at most max entries, forgetting the oldest first', () => {
    const memory = new ReplayMemory({ max: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) assert.equal(memory.repeated(id), false);
    assert.equal(memory.size, 3);
    assert.equal(memory.repeated('d'), true);
    assert.equal(memory.repeated('b'), true);
    assert.equal(memory.repeated('a'), false, 'the oldest was evicted');
  });

  it('stays bounded at 10,000 by default under 50,000 distinct callbacks', () => {
    const memory = new ReplayMemory({ now: () => 0 });
    for (let i = 0; i < 50_000; i++) memory.repeated(String(i));
    assert.equal(memory.size, 10_000);
  });

  it('forgets the oldest first through a million distinct callbacks, a repeat leaving the order alone', () => {
    const memory = new ReplayMemory({ now: () => 0 });
    const N = 1_000_000;
    for (let i = 0; i < N; i++) {
      assert.equal(memory.repeated(`id${i}`), false);
      if (i % 100_000 === 99_999) {
        // The oldest held (10,000 back) and the latest are repeats; asking changes nothing.
        assert.equal(memory.repeated(`id${i - 9_999}`), true, `after ${i + 1}: the oldest held`);
        assert.equal(memory.repeated(`id${i}`), true, `after ${i + 1}: the latest`);
        assert.equal(memory.size, 10_000);
      }
    }
    for (let i = N - 10_000; i < N; i++) assert.equal(memory.repeated(`id${i}`), true, `id${i} is among the last 10,000`);
    assert.equal(memory.size, 10_000);
    assert.equal(memory.repeated(`id${N - 10_001}`), false, 'the one before them was forgotten: seen again, it is new');
    // That pushed out the oldest held; asked for again, the next oldest stays the oldest.
    assert.equal(memory.repeated(`id${N - 9_999}`), true);
    assert.equal(memory.repeated('new'), false);
    assert.equal(memory.repeated(`id${N - 9_998}`), true, 'the next oldest is still held');
    assert.equal(memory.repeated(`id${N - 9_999}`), false, 'the oldest went out first, although it was asked for last');
  });

  it('honours the lifetime through a million callbacks, one a millisecond', () => {
    let now = 0;
    // A lifetime of one second under a cap of 10,000: the lifetime, not the cap, decides.
    const memory = new ReplayMemory({ ttlMs: 1000, now: () => now });
    const N = 1_000_000;
    for (let i = 0; i < N; i++, now++) {
      assert.equal(memory.repeated(`id${i}`), false);
      if (i % 100_000 === 99_999) {
        assert.equal(memory.repeated(`id${i - 999}`), true, `after ${i + 1}: seen a millisecond less than a second ago`);
        assert.equal(memory.repeated(`id${i - 1000}`), false, `after ${i + 1}: seen a second ago`);
        assert.ok(memory.size <= 10_000);
      }
    }
  });
});

describe('conference events rules', () => {
  it('path: default when blank, a leading / added, plain segments only', () => {
    assert.deepEqual(rules.checkCallbackPath(''), { path: '/signalwire/conference-events' });
    assert.deepEqual(rules.checkCallbackPath(undefined), { path: '/signalwire/conference-events' });
    assert.deepEqual(rules.checkCallbackPath('hooks/sw'), { path: '/hooks/sw' });
    assert.deepEqual(rules.checkCallbackPath(' /a.b/c_d-e~/ '), { path: '/a.b/c_d-e~/' });
    for (const bad of ['/a/:id', '/a/*', '/a?b=1', '/a#b', '/a b', '/a/../b', '/%2e', '//a', 7]) {
      const r = rules.checkCallbackPath(bad);
      assert.ok('problem' in r && r.problem.key === 'callback-path', String(bad));
    }
  });

  it('public URL: blank, or an absolute http(s) URL kept exactly as typed, without user info or fragment', () => {
    assert.deepEqual(rules.checkPublicUrl(' '), { url: undefined });
    assert.deepEqual(rules.checkPublicUrl(' https://Example.com:443/cb?x=1 '), { url: 'https://Example.com:443/cb?x=1' });
    for (const bad of ['example.com/cb', 'ftp://example.com/cb', 'https://example.com/cb#x', 'https:///cb', 'https://exa mple.com/']) {
      const r = rules.checkPublicUrl(bad);
      assert.ok('problem' in r && r.problem.key === 'callback-public-url', bad);
    }
    const r = rules.checkPublicUrl('https://user:pass@example.com/cb');
    assert.ok('problem' in r && r.problem.key === 'callback-public-url-userinfo');
    assert.equal(JSON.stringify(r).includes('pass'), false, 'the password is not quoted back');
  });

  it('events: empty or absent is all, otherwise StatusCallbackEvent values only', () => {
    assert.deepEqual(rules.checkEvents(undefined), { events: [] });
    assert.deepEqual(rules.checkEvents([]), { events: [] });
    assert.deepEqual(rules.checkEvents(['participant-join', 'participant-join', 'conference-end']), { events: ['participant-join', 'conference-end'] });
    const r = rules.checkEvents(['participant-join', 'participant-jion']);
    assert.ok('problem' in r && r.problem.key === 'callback-events' && r.problem.vars.event === 'participant-jion');
    assert.equal(rules.CONFERENCE_EVENTS.length, 10);
  });

  it('verify: on unless explicitly off; coalesce: whole ms from 0, default 1000', () => {
    assert.equal(rules.checkVerify(undefined), true);
    assert.equal(rules.checkVerify('no'), true);
    assert.equal(rules.checkVerify(false), false);
    assert.equal(rules.checkVerify('false'), false);
    assert.deepEqual(rules.checkNumber('coalesce', ''), { value: 1000 });
    assert.deepEqual(rules.checkNumber('coalesce', '0'), { value: 0 });
    assert.ok('problem' in rules.checkNumber('coalesce', -1));
    assert.ok('problem' in rules.checkNumber('coalesce', 1.5));
  });

  it('body limit: 64 KiB, or apiMaxLength when smaller', () => {
    assert.equal(route.bodyLimit(undefined), 65536);
    assert.equal(route.bodyLimit('5mb'), 65536);
    assert.equal(route.bodyLimit('1kb'), 1024);
    assert.equal(route.bodyLimit(2000), 2000);
    assert.equal(route.bodyLimit('nonsense'), 65536);
  });

  it('route key: as express matches paths (case, trailing slash, doubled slashes)', () => {
    assert.equal(route.routeKey('/A//b/'), route.routeKey('/a/b'));
    assert.equal(route.routeKey('/'), '/');
  });
});
