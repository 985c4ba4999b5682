import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConferenceSimulator, FakeSpace, FakeParticipant, SimEventResult, computeSignature, rfc2822, seeded, validateSignature, withDefaultPort, withoutDefaultPort } from '../../simulator';
import { waitUntil } from '../support/harness';

// Every parameter the API README lists for a conference status callback.
const CALLBACK_PARAMS = [
  'AccountSid', 'ApiVersion', 'CallSid', 'CallStatus', 'ConferenceSid', 'Direction', 'Duration', 'EndConferenceOnExit',
  'EventName', 'FriendlyName', 'From', 'Hold', 'Muted', 'ParentCallSid', 'RecordingFileSize', 'RecordingUrl',
  'StartConferenceOnEnter', 'StatusCallbackEvent', 'Timestamp', 'To',
];

interface Received {
  params: Record<string, string>;
  body: string;
  signature: string | undefined;
  contentType: string | undefined;
  at: number;
}

// These numbers first, then those of seeded(1): for a step whose draws a test counts.
function scripted(...values: number[]): () => number {
  const rest = seeded(1);
  return () => (values.length > 0 ? values.shift()! : rest());
}

const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

describe('ConferenceSimulator', () => {
  let space: FakeSpace;
  let receiver: http.Server;
  let callbackUrl: string;
  let received: Received[];
  let answerStatus: number;
  let sim: ConferenceSimulator | undefined;

  beforeEach(async () => {
    space = new FakeSpace();
    await space.start();
    received = [];
    answerStatus = 200;
    receiver = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        received.push({
          params: Object.fromEntries(new URLSearchParams(body)),
          body,
          signature: req.headers['x-signalwire-signature'] as string | undefined,
          contentType: req.headers['content-type'],
          at: Date.now(),
        });
        res.writeHead(answerStatus).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/conference?x=1`;
  });

  /** A request to the space's API, as a client of the account makes it. */
  const api = (path: string, method = 'GET', form?: Record<string, string>): Promise<Response> =>
    fetch(`${space.url}/api/laml/2010-04-01/Accounts/${space.projectId}${path}`, {
      method,
      headers: {
        authorization: 'Basic ' + Buffer.from(`${space.projectId}:${space.apiToken}`).toString('base64'),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
  /** What a sweep finds: the conferences in progress and their participants' call SIDs (one page each is enough here). */
  const sweep = async (): Promise<Map<string, string[]>> => {
    const list = (await (await api('/Conferences?Status=in-progress')).json()) as { conferences: { sid: string }[] };
    const out = new Map<string, string[]>();
    for (const c of list.conferences) {
      const page = (await (await api(`/Conferences/${c.sid}/Participants?PageSize=1000`)).json()) as { participants: FakeParticipant[] };
      out.set(c.sid, page.participants.map((p) => p.call_sid));
    }
    return out;
  };
  const eventsAfter = (n: number): string[][] => received.slice(n).map((r) => [r.params.ConferenceSid, r.params.StatusCallbackEvent, r.params.CallSid ?? '']);
  const waitForCallbacks = (n: number): Promise<void> => waitUntil(() => received.length >= n, 5000, () => `${n} callbacks (got ${received.length})`);

  afterEach(async () => {
    sim?.stop();
    sim = undefined;
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    await space.close();
  });

  it('computeSignature matches the published Twilio/SignalWire example', () => {
    // Example from Twilio's webhook security docs (same algorithm as X-SignalWire-Signature).
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    const sig = computeSignature(url, params, '12345');
    assert.equal(sig, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    assert.equal(validateSignature(sig, url, params, '12345'), true);
    assert.equal(validateSignature(sig, url, { ...params, Digits: '1235' }, '12345'), false);
    assert.equal(validateSignature(sig, url + '&x', params, '12345'), false);
    assert.equal(validateSignature(undefined, url, params, '12345'), false);
    assert.equal(validateSignature('short', url, params, '12345'), false);
  });

  it('start() creates a conference of 3 and POSTs signed conference-start and participant-join callbacks', async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, friendlyNames: ['standup'], intervalMs: 60_000 });
    await sim.start();
    assert.ok(sim.conferenceSid);
    const ps = space.participants(sim.conferenceSid);
    assert.equal(ps.length, 3);
    assert.deepEqual(received.map((r) => r.params.StatusCallbackEvent), ['conference-start', 'participant-join', 'participant-join', 'participant-join']);
    assert.deepEqual(received.map((r) => r.params.SequenceNumber), [undefined, undefined, undefined, undefined], 'SignalWire sends no SequenceNumber');
    assert.deepEqual(received.slice(1).map((r) => r.params.CallSid), ps.map((p) => p.call_sid));
    for (const r of received) {
      assert.equal(r.contentType, 'application/x-www-form-urlencoded');
      assert.equal(validateSignature(r.signature, callbackUrl, r.params, sim.signingKey), true);
      assert.equal(validateSignature(r.signature, callbackUrl, r.params, 'other-key'), false);
      assert.equal(r.params.AccountSid, space.projectId);
      assert.equal(r.params.ConferenceSid, sim.conferenceSid);
      assert.equal(r.params.FriendlyName, 'standup');
      assert.equal(r.params.ApiVersion, '2010-04-01');
      assert.match(r.params.Timestamp, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    }
    assert.equal(received[0].params.CallSid, undefined);
    const join = received[1].params;
    for (const k of ['Muted', 'Hold', 'EndConferenceOnExit', 'StartConferenceOnEnter']) assert.match(join[k], /^(true|false)$/);
    assert.equal(join.CallStatus, 'in-progress');
    assert.equal(join.Direction, 'inbound');
    assert.match(join.From, /^\+1\d{3}5550[1]\d{2}$/);
    assert.ok(join.To);
    assert.equal(sim.callbacksSent, 4);
  });

  it("callbacks carry only the documented parameters; From, To, Direction and CallStatus are the participant's call", async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, maxParticipants: 4, random: seeded(7) });
    await sim.start();
    for (let i = 0; i < 30; i++) await sim.step();
    await sim.end();
    for (const r of received) {
      for (const k of Object.keys(r.params)) assert.ok(CALLBACK_PARAMS.includes(k), `${k} is not a SignalWire callback parameter`);
      if (!r.params.CallSid) {
        assert.match(r.params.StatusCallbackEvent, /^conference-(start|end)$/);
        for (const k of ['From', 'To', 'Muted', 'CallStatus']) assert.equal(r.params[k], undefined, `${k} on ${r.params.StatusCallbackEvent}`);
        continue;
      }
      // The call as GET /Calls/{CallSid} answers it (it stays retrievable after the leave).
      const res = await fetch(`${space.url}/api/laml/2010-04-01/Accounts/${space.projectId}/Calls/${r.params.CallSid}.json`, {
        headers: { authorization: 'Basic ' + Buffer.from(`${space.projectId}:${space.apiToken}`).toString('base64') },
      });
      assert.equal(res.status, 200);
      const call = (await res.json()) as { from: string; to: string; direction: string };
      assert.equal(r.params.From, call.from);
      assert.equal(r.params.To, call.to);
      assert.equal(r.params.Direction, call.direction);
      assert.equal(r.params.CallStatus, r.params.StatusCallbackEvent === 'participant-leave' ? 'completed' : 'in-progress');
    }
    const joins = received.filter((r) => r.params.StatusCallbackEvent === 'participant-join');
    assert.ok(new Set(joins.map((r) => r.params.From)).size > 1, 'every caller has the same number');
    assert.ok(received.some((r) => r.params.StatusCallbackEvent === 'participant-leave'));
  });

  it('caller names: none by default (the spec: caller_name is always null); some with callerNames', async () => {
    sim = new ConferenceSimulator({ space, intervalMs: 60_000, maxParticipants: 30 });
    await sim.start();
    for (let i = 0; i < 40; i++) await sim.step();
    const names = (s: ConferenceSimulator) => space.participants(s.conferenceSid).map((p) => space.call(p.call_sid)!.caller_name);
    assert.ok(names(sim).every((n) => n === null));
    sim.stop();
    sim = new ConferenceSimulator({ space, intervalMs: 60_000, maxParticipants: 30, callerNames: true, random: seeded(3) });
    await sim.start();
    for (let i = 0; i < 40; i++) await sim.step();
    const got = names(sim);
    assert.ok(got.some((n) => typeof n === 'string' && n.length > 0), 'nobody has a name');
    assert.ok(got.some((n) => n === null), 'everybody has a name');
  });

  it("sequenceNumbers: true adds Twilio's SequenceNumber, counting the events of each conference", async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, friendlyNames: ['a', 'b'], sequenceNumbers: true });
    await sim.start();
    await sim.act({ kind: 'join', friendlyName: 'b' });
    assert.deepEqual(received.map((r) => [r.params.FriendlyName, r.params.SequenceNumber]), [
      ['a', '1'], ['a', '2'], ['a', '3'], ['a', '4'], ['b', '1'], ['b', '2'], ['b', '3'], ['b', '4'], ['b', '5'],
    ]);
  });

  describe('delivery as SignalWire does it: repeated, out of order, the port form of the signed URL', () => {
    it('repeatRate 1: every callback arrives twice, byte for byte the same, with the same signature', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, repeatRate: 1, signingKey: 'sk' });
      await sim.start();
      const e = await sim.step();
      assert.equal(e.repeated, true);
      assert.equal(e.delivered, true);
      assert.equal(received.length, 10);
      for (let i = 0; i < received.length; i += 2) {
        assert.equal(received[i].body, received[i + 1].body);
        assert.equal(received[i].signature, received[i + 1].signature);
        assert.equal(validateSignature(received[i + 1].signature, callbackUrl, received[i + 1].params, 'sk'), true);
      }
      assert.equal(sim.repeats, 5);
      assert.equal(sim.callbacksSent, 10);
    });

    it('a repeatRate between 0 and 1 repeats some callbacks, not all', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, repeatRate: 0.5, random: seeded(11) });
      await sim.start();
      const results: SimEventResult[] = [];
      for (let i = 0; i < 20; i++) results.push(await sim.step());
      const repeated = results.filter((r) => r.repeated).length;
      assert.ok(repeated > 0 && repeated < 20, `${repeated} of 20 repeated`);
      assert.equal(received.length, sim.eventCount + sim.repeats);
      assert.ok(sim.repeats >= repeated);
    });

    it('a late callback is overtaken by the next one; its Timestamp and parameters stay those of its event', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, lateMs: 300, random: seeded(5) });
      await sim.start();
      received.length = 0;
      sim.lateRate = 1;
      const first = sim.step();
      sim.lateRate = 0;
      const second = await sim.step();
      assert.equal(second.late, false);
      assert.equal(received.length, 1, 'the second arrived while the first was held back');
      const a = await first;
      assert.equal(a.late, true);
      assert.equal(a.delivered, true);
      assert.deepEqual(received.map((r) => r.params), [second.params, a.params]);
      assert.ok(received[1].at - received[0].at >= 200);
      assert.ok(Date.parse(a.params.Timestamp) <= Date.parse(second.params.Timestamp));
      assert.equal(sim.lateCallbacks, 1);
    });

    it('stop() drops a late callback: it is never POSTed and is not counted as a failure', async () => {
      // Held back for a minute: only stop() can end the hold within the test's timeout.
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, lateMs: 60_000 });
      await sim.start();
      received.length = 0;
      sim.lateRate = 1;
      const late = sim.step();
      await new Promise((r) => setTimeout(r, 50));
      sim.stop();
      const e = await late;
      assert.equal(e.delivered, false);
      assert.equal(received.length, 0);
      assert.equal(sim.callbackFailures, 0);
    });

    it("signaturePort 'explicit' signs over signatureUrl with :443 written out, 'omitted' without it", async () => {
      const given = 'https://hooks.example.com/signalwire/conference-events?x=1';
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, signingKey: 'sk', signatureUrl: given, signaturePort: 'explicit' });
      await sim.start();
      const withPort = 'https://hooks.example.com:443/signalwire/conference-events?x=1';
      for (const r of received) {
        assert.equal(validateSignature(r.signature, withPort, r.params, 'sk'), true);
        assert.equal(validateSignature(r.signature, given, r.params, 'sk'), false, 'the port form matters');
        assert.equal(validateSignature(r.signature, callbackUrl, r.params, 'sk'), false, 'not over the local URL');
      }
      received.length = 0;
      sim.signaturePort = 'omitted';
      const e = await sim.step();
      assert.equal(e.signedUrl, given);
      assert.equal(validateSignature(received[0].signature, given, received[0].params, 'sk'), true);
      sim.signaturePort = 'as-given';
      assert.equal((await sim.step()).signedUrl, given);
    });

    it("signaturePort 'mixed' signs some callbacks with the port and some without, as the vendor does", async () => {
      const given = 'https://hooks.example.com/cb';
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, signingKey: 'sk', signatureUrl: given, signaturePort: 'mixed', random: seeded(9) });
      await sim.start();
      for (let i = 0; i < 20; i++) await sim.step();
      let explicit = 0;
      let omitted = 0;
      for (const r of received) {
        // What the official SDK's validateRequest does: either form passes.
        const a = validateSignature(r.signature, withDefaultPort(given), r.params, 'sk');
        const b = validateSignature(r.signature, withoutDefaultPort(given), r.params, 'sk');
        assert.ok(a !== b);
        if (a) explicit++;
        else omitted++;
      }
      assert.ok(explicit > 0 && omitted > 0, `${explicit} with the port, ${omitted} without`);
    });

    it('withDefaultPort / withoutDefaultPort change only a default port, as written', () => {
      assert.equal(withDefaultPort('https://a.example/x?y=1'), 'https://a.example:443/x?y=1');
      assert.equal(withDefaultPort('http://a.example'), 'http://a.example:80');
      assert.equal(withDefaultPort('https://a.example:8443/x'), 'https://a.example:8443/x');
      assert.equal(withDefaultPort('https://[::1]/x'), 'https://[::1]:443/x');
      assert.equal(withoutDefaultPort('https://a.example:443/x'), 'https://a.example/x');
      assert.equal(withoutDefaultPort('http://a.example:443/x'), 'http://a.example:443/x');
      assert.equal(withoutDefaultPort('https://[::1]:443/x'), 'https://[::1]/x');
      assert.equal(withDefaultPort('/relative'), '/relative');
    });
  });

  it('step() changes the FakeSpace first, then POSTs a callback that matches the new state', async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, maxParticipants: 5, random: seeded(42), signingKey: 'sk' });
    await sim.start();
    const conf = sim.conferenceSid;
    const seen = new Set<string>();
    let present = new Set(space.participants(conf).map((p) => p.call_sid));
    for (let i = 0; i < 80; i++) {
      const e: SimEventResult = await sim.step();
      assert.equal(e.delivered, true);
      assert.equal(e.conferenceSid, conf);
      const last = received[received.length - 1].params;
      assert.deepEqual(last, e.params);
      assert.equal(validateSignature(received[received.length - 1].signature, callbackUrl, last, 'sk'), true);
      seen.add(e.event);
      const now = space.participants(conf);
      assert.ok(now.length >= 1 && now.length <= 5, `count ${now.length}`);
      const p = space.participant(conf, e.callSid!);
      switch (e.event) {
        case 'participant-join':
          assert.ok(!present.has(e.callSid!) && p);
          break;
        case 'participant-leave':
          assert.ok(present.has(e.callSid!) && !p);
          assert.equal(last.CallStatus, 'completed');
          break;
        case 'participant-mute':
        case 'participant-unmute':
          assert.equal(p!.muted, e.event === 'participant-mute');
          assert.equal(last.Muted, String(p!.muted));
          break;
        case 'participant-hold':
        case 'participant-unhold':
          assert.equal(p!.hold, e.event === 'participant-hold');
          assert.equal(last.Hold, String(p!.hold));
          break;
        case 'participant-speech-start':
        case 'participant-speech-stop':
          assert.equal(sim.speaking(conf).includes(e.callSid!), e.event === 'participant-speech-start');
          break;
        default:
          assert.fail(`unexpected ${e.event}`);
      }
      present = new Set(now.map((x) => x.call_sid));
    }
    assert.deepEqual([...seen].sort(), [
      'participant-hold', 'participant-join', 'participant-leave', 'participant-mute', 'participant-speech-start',
      'participant-speech-stop', 'participant-unhold', 'participant-unmute',
    ]);
    assert.equal(received.length, sim.eventCount);
  });

  it('act() makes a chosen change; a change that changes nothing, an unknown FriendlyName or participant is refused with no callback', async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, friendlyNames: ['a', 'b'] });
    await sim.start();
    const [a, b] = sim.conferences;
    const joined = await sim.act({ kind: 'join', friendlyName: 'b' });
    assert.equal(joined.conferenceSid, b.sid);
    assert.ok(space.participant(b.sid, joined.callSid!));
    const muted = await sim.act({ kind: 'mute', callSid: joined.callSid! });
    assert.deepEqual([muted.event, space.participant(b.sid, joined.callSid!)!.muted], ['participant-mute', true]);
    const n = received.length;
    await assert.rejects(sim.act({ kind: 'mute', callSid: joined.callSid! }), /changes nothing/);
    await assert.rejects(sim.act({ kind: 'speech-start', callSid: joined.callSid! }), /cannot start speaking/);
    await assert.rejects(sim.act({ kind: 'speech-stop', callSid: joined.callSid! }), /is not speaking/);
    await assert.rejects(sim.act({ kind: 'join', friendlyName: 'c' }), /no conference is named c/);
    await assert.rejects(sim.act({ kind: 'leave', callSid: 'nobody' }), /in no conference the simulator runs/);
    assert.equal(received.length, n);
    // The first conference's last participant leaves: it ends, as any conference does.
    for (const p of space.participants(a.sid)) await sim.act({ kind: 'leave', callSid: p.call_sid });
    assert.deepEqual(received.slice(-2).map((r) => r.params.StatusCallbackEvent), ['participant-leave', 'conference-end']);
    assert.deepEqual(sim.conferences, [b]);
  });

  describe('several conferences at once, as a space runs them', () => {
    it('runs a conference per FriendlyName, each with its own SID and participants; every callback says which conference it is for', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, friendlyNames: ['sales', 'support', 'design'], intervalMs: 60_000, random: seeded(21) });
      await sim.start();
      const confs = sim.conferences;
      assert.deepEqual(confs.map((c) => c.friendlyName), ['sales', 'support', 'design']);
      assert.equal(new Set(confs.map((c) => c.sid)).size, 3);
      assert.equal(sim.conferenceSid, confs[0].sid, 'the first is the steady one');
      for (const c of confs) {
        assert.equal(space.conferenceStatus(c.sid), 'in-progress');
        assert.equal(space.conference(c.sid)!.friendly_name, c.friendlyName);
        assert.deepEqual(eventsAfter(0).filter(([sid]) => sid === c.sid).map(([, ev]) => ev), ['conference-start', 'participant-join', 'participant-join', 'participant-join']);
      }
      assert.deepEqual([...(await sweep()).keys()].sort(), confs.map((c) => c.sid).sort());
      const names = new Map(confs.map((c) => [c.sid, c.friendlyName]));
      for (let i = 0; i < 90; i++) await sim.step();
      const touched = new Set<string>();
      for (const r of received) {
        if (r.params.StatusCallbackEvent === 'conference-start') names.set(r.params.ConferenceSid, r.params.FriendlyName);
        assert.equal(r.params.FriendlyName, names.get(r.params.ConferenceSid), 'the FriendlyName of its conference');
        if (r.params.StatusCallbackEvent !== 'conference-start' && r.params.StatusCallbackEvent !== 'participant-join') touched.add(r.params.FriendlyName);
      }
      assert.deepEqual([...touched].sort(), ['design', 'sales', 'support'], 'every conference changes');
      // The REST state is the truth: what the callbacks built is what a sweep finds.
      const fromCallbacks = new Map<string, Set<string>>();
      for (const { params: q } of received) {
        if (q.StatusCallbackEvent === 'conference-start') fromCallbacks.set(q.ConferenceSid, new Set());
        else if (q.StatusCallbackEvent === 'conference-end') fromCallbacks.delete(q.ConferenceSid);
        else if (q.StatusCallbackEvent === 'participant-join') fromCallbacks.get(q.ConferenceSid)!.add(q.CallSid);
        else if (q.StatusCallbackEvent === 'participant-leave') fromCallbacks.get(q.ConferenceSid)!.delete(q.CallSid);
      }
      assert.deepEqual(new Map([...fromCallbacks].map(([sid, ps]) => [sid, [...ps].sort()])), new Map([...(await sweep())].map(([sid, ps]) => [sid, ps.sort()])));
    });

    it('a conference other than the first ends when its last participant leaves (leave, then conference-end); the next caller starts a new one, new SID, same FriendlyName', async () => {
      // Draws: 2 per caller at start (area code, number); a step: the conference, the change, the participant.
      sim = new ConferenceSimulator({ space, callbackUrl, friendlyNames: ['steady', 'pop-up'], maxParticipants: 1, intervalMs: 60_000, random: scripted(0, 0, 0, 0, 0.99, 0, 0, 0.99) });
      await sim.start();
      const [steady, popUp] = sim.conferences;
      const [caller] = space.participants(popUp.sid);
      let n = received.length;
      const left = await sim.step(); // pop-up: leave (its only participant)
      assert.equal(left.event, 'participant-leave');
      assert.deepEqual(eventsAfter(n), [[popUp.sid, 'participant-leave', caller.call_sid], [popUp.sid, 'conference-end', '']]);
      assert.equal(space.conferenceStatus(popUp.sid), 'completed');
      assert.deepEqual(sim.conferences, [steady]);
      n = received.length;
      const joined = await sim.step(); // pop-up has no conference: a caller dials in
      const [again] = sim.conferences.filter((c) => c.friendlyName === 'pop-up');
      assert.notEqual(again.sid, popUp.sid);
      assert.deepEqual(eventsAfter(n), [[again.sid, 'conference-start', ''], [again.sid, 'participant-join', joined.callSid!]]);
      assert.equal(received[n].params.FriendlyName, 'pop-up');
      assert.deepEqual([...(await sweep()).keys()].sort(), [steady.sid, again.sid].sort());
    });

    it("the first conference never loses its last participant to the simulation, only to the API", async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, maxParticipants: 2, intervalMs: 60_000, random: seeded(4) });
      await sim.start();
      let alone = 0;
      for (let i = 0; i < 60; i++) {
        await sim.step();
        const count = space.participantCount(sim.conferenceSid);
        assert.ok(count >= 1);
        if (count === 1) alone++;
      }
      assert.ok(alone > 5, `one participant left after ${alone} steps only`);
      assert.ok(!received.some((r) => r.params.StatusCallbackEvent === 'conference-end'));
    });
  });

  describe('speech: participant-speech-start / -stop (the speaker event)', () => {
    it('participants start and stop speaking; only someone unmuted and not on hold starts; muting or holding a speaker stops the speech first', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, maxParticipants: 5, intervalMs: 60_000, random: seeded(8) });
      await sim.start();
      for (let i = 0; i < 200; i++) await sim.step();
      const speaking = new Set<string>();
      const kinds = new Set<string>();
      for (const { params: q } of received) {
        const ev = q.StatusCallbackEvent;
        kinds.add(ev);
        if (ev === 'participant-speech-start') {
          assert.ok(!speaking.has(q.CallSid), 'starts once');
          assert.equal(q.Muted, 'false');
          assert.equal(q.Hold, 'false');
          assert.equal(q.CallStatus, 'in-progress');
          assert.ok(q.From && q.To && q.Direction, 'the call parameters');
          speaking.add(q.CallSid);
        } else if (ev === 'participant-speech-stop') {
          assert.ok(speaking.delete(q.CallSid), 'stops after it started');
        } else if (ev === 'participant-leave') {
          speaking.delete(q.CallSid);
        } else if (ev === 'participant-mute' || ev === 'participant-hold') {
          assert.ok(!speaking.has(q.CallSid), `${ev} of a speaker without a speech-stop before`);
        }
      }
      assert.ok(kinds.has('participant-speech-start') && kinds.has('participant-speech-stop'));
      assert.deepEqual(sim.speaking(sim.conferenceSid).sort(), [...speaking].sort());
    });

    it('act() makes someone speak; a mute through the API sends participant-speech-stop, then participant-mute', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000 });
      await sim.start();
      const conf = sim.conferenceSid;
      const [p] = space.participants(conf);
      const n = received.length;
      const started = await sim.act({ kind: 'speech-start', callSid: p.call_sid });
      assert.equal(started.event, 'participant-speech-start');
      await assert.rejects(sim.act({ kind: 'speech-start', callSid: p.call_sid }), /cannot start speaking/);
      assert.deepEqual(sim.speaking(conf), [p.call_sid]);
      assert.equal((await api(`/Conferences/${conf}/Participants/${p.call_sid}`, 'POST', { Muted: 'true' })).status, 200);
      await waitForCallbacks(n + 3);
      assert.deepEqual(eventsAfter(n).map(([, ev, call]) => [ev, call]), [
        ['participant-speech-start', p.call_sid], ['participant-speech-stop', p.call_sid], ['participant-mute', p.call_sid],
      ]);
      assert.equal(received[n + 1].params.Muted, 'true');
      assert.deepEqual(sim.speaking(conf), []);
    });
  });

  describe('best effort: some callbacks never sent, while the REST state is the truth', () => {
    it('a lost callback is not POSTed, but its change is made: a sweep (conferences in progress, their participants) finds it', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000 });
      await sim.start();
      const n = received.length;
      sim.planDelivery({ lost: true });
      const e = await sim.act({ kind: 'join' });
      assert.equal(e.event, 'participant-join');
      assert.equal(e.lost, true);
      assert.equal(e.delivered, false);
      assert.equal(received.length, n, 'not POSTed');
      assert.equal(sim.lostCallbacks, 1);
      assert.equal(sim.callbackFailures, 0, 'lost is not a failure of the receiver');
      assert.ok((await sweep()).get(sim.conferenceSid)!.includes(e.callSid!), 'the sweep finds the participant');
      assert.ok(!received.some((r) => r.params.CallSid === e.callSid));
      await sim.act({ kind: 'join' });
      assert.equal(received.length, n + 1, 'the next one is sent');
    });

    it('lostRate: a share of callbacks is never sent, in every conference; every change still reaches the space', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, friendlyNames: ['a', 'b'], intervalMs: 60_000, lostRate: 0.3, random: seeded(13) });
      await sim.start();
      const results: SimEventResult[] = [];
      for (let i = 0; i < 60; i++) results.push(await sim.step());
      assert.ok(sim.lostCallbacks > 5 && sim.lostCallbacks < sim.eventCount / 2, `${sim.lostCallbacks} of ${sim.eventCount} lost`);
      assert.equal(received.length, sim.eventCount - sim.lostCallbacks);
      assert.ok(results.some((r) => r.lost && r.delivered === false));
      const truth = new Map(sim.conferences.map((c) => [c.sid, space.participants(c.sid).map((p) => p.call_sid)]));
      assert.deepEqual(await sweep(), truth);
    });

    it('planDelivery decides the next callbacks in order (late, lost, repeated), then the rates decide again', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, lateMs: 200 });
      await sim.start();
      const n = received.length;
      sim.planDelivery({ late: true }, { lost: true }, { repeated: true });
      const late = sim.act({ kind: 'join' });
      const lost = await sim.act({ kind: 'join' });
      const twice = await sim.act({ kind: 'join' });
      const plain = await sim.act({ kind: 'join' });
      const first = await late;
      assert.deepEqual([first, lost, twice, plain].map((e) => [e.late, e.lost, e.repeated]), [[true, false, false], [false, true, false], [false, false, true], [false, false, false]]);
      assert.deepEqual(received.slice(n).map((r) => r.params), [twice.params, twice.params, plain.params, first.params]);
      assert.deepEqual([sim.lateCallbacks, sim.lostCallbacks, sim.repeats], [1, 1, 1]);
    });
  });

  describe('a write made through the API is followed by its callbacks, as SignalWire sends them', () => {
    it('mute, unmute, hold, unhold: one callback each, with the new state; a write that changes neither sends none', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000 });
      await sim.start();
      const conf = sim.conferenceSid;
      const [p] = space.participants(conf);
      const path = `/Conferences/${conf}/Participants/${p.call_sid}`;
      const n = received.length;
      const writes: [Record<string, string>, string[]][] = [
        [{ Muted: 'true' }, ['participant-mute']],
        [{ Muted: 'false' }, ['participant-unmute']],
        [{ Hold: 'true' }, ['participant-hold']],
        [{ Hold: 'false' }, ['participant-unhold']],
        [{ Muted: 'false', AnnounceUrl: 'https://example.com/a.xml' }, []],
        [{ Muted: 'true', Hold: 'true' }, ['participant-mute', 'participant-hold']],
      ];
      let expected = n;
      for (const [form, events] of writes) {
        assert.equal((await api(path, 'POST', form)).status, 200);
        expected += events.length;
        await waitForCallbacks(expected);
      }
      assert.deepEqual(eventsAfter(n).map(([sid, ev, call]) => { assert.equal(sid, conf); assert.equal(call, p.call_sid); return ev; }), writes.flatMap(([, e]) => e));
      assert.deepEqual(received.slice(n).map((r) => [r.params.Muted, r.params.Hold]), [
        ['true', 'false'], ['false', 'false'], ['false', 'true'], ['false', 'false'], ['true', 'true'], ['true', 'true'],
      ]);
      for (const r of received.slice(n)) {
        assert.match(r.params.Timestamp, RFC2822);
        assert.equal(validateSignature(r.signature, callbackUrl, r.params, sim.signingKey), true);
      }
    });

    it('remove: participant-leave (CallStatus completed); removing the last participant ends the conference: conference-end', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, maxParticipants: 2 });
      await sim.start();
      const conf = sim.conferenceSid;
      const [a, b] = space.participants(conf);
      const n = received.length;
      assert.equal((await api(`/Conferences/${conf}/Participants/${a.call_sid}`, 'DELETE')).status, 204);
      await waitForCallbacks(n + 1);
      assert.deepEqual(eventsAfter(n), [[conf, 'participant-leave', a.call_sid]]);
      assert.equal(received[n].params.CallStatus, 'completed');
      assert.equal(space.conferenceStatus(conf), 'in-progress');
      assert.equal((await api(`/Conferences/${conf}/Participants/${b.call_sid}`, 'DELETE')).status, 204);
      await waitForCallbacks(n + 3);
      assert.deepEqual(eventsAfter(n + 1), [[conf, 'participant-leave', b.call_sid], [conf, 'conference-end', '']]);
      assert.equal(space.conferenceStatus(conf), 'completed');
    });

    it("end: each participant's participant-leave, then conference-end; the conference stays ended and the next caller starts a new one", async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, random: seeded(5) });
      await sim.start();
      const ended = sim.conferenceSid;
      const inIt = space.participants(ended).map((p) => p.call_sid);
      const n = received.length;
      const res = await api(`/Conferences/${ended}`, 'POST', { Status: 'completed' });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { status: string }).status, 'completed');
      await waitForCallbacks(n + 4);
      assert.deepEqual(eventsAfter(n), [...inIt.map((sid) => [ended, 'participant-leave', sid]), [ended, 'conference-end', '']]);
      assert.ok(received.slice(n, n + 3).every((r) => r.params.CallStatus === 'completed'));
      // Ending it again: no change, no callback.
      assert.equal((await api(`/Conferences/${ended}`, 'POST', { Status: 'completed' })).status, 200);
      const m = received.length;
      const next = await sim.step(); // the first step after the end: a caller dials in
      assert.equal(next.event, 'participant-join');
      const [again] = sim.conferences;
      assert.notEqual(again.sid, ended, 'a new conference');
      assert.equal(again.friendlyName, 'demo-conference', 'under the same FriendlyName');
      assert.deepEqual(eventsAfter(m), [[again.sid, 'conference-start', ''], [again.sid, 'participant-join', next.callSid!]]);
      for (let i = 0; i < 30; i++) await sim.step();
      assert.ok(received.slice(n + 4).every((r) => r.params.ConferenceSid !== ended), 'no event for the ended conference');
      assert.equal(sim.conferenceSid, ended, 'conferenceSid keeps naming the first conference');
      assert.equal(space.conferenceStatus(ended), 'completed');
      assert.deepEqual(space.participants(ended), [], 'nobody joined it');
      const listed = (await (await api(`/Conferences/${ended}/Participants`)).json()) as { participants: unknown[] };
      assert.deepEqual(listed.participants, [], 'the API lists no participants of a completed conference');
      assert.deepEqual([...(await sweep()).keys()], [again.sid]);
    });

    it('writes on a conference the simulator does not run send nothing; nor do writes after stop()', async () => {
      const other = space.addConference();
      const q = space.addParticipant(other);
      // The space reports a write before its answer can arrive, and the simulator makes its events
      // then: counting events is enough to know that nothing is or will be sent.
      const events: string[] = [];
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, onEvent: (e) => events.push(e.event) });
      await sim.start();
      const n = events.length;
      assert.equal((await api(`/Conferences/${other}/Participants/${q.call_sid}`, 'POST', { Muted: 'true' })).status, 200);
      assert.equal((await api(`/Conferences/${other}`, 'POST', { Status: 'completed' })).status, 200);
      assert.equal(events.length, n);
      const [p, r] = space.participants(sim.conferenceSid);
      assert.equal((await api(`/Conferences/${sim.conferenceSid}/Participants/${p.call_sid}`, 'DELETE')).status, 204);
      assert.deepEqual(events.slice(n), ['participant-leave'], 'a write on its own conference: at once');
      sim.stop();
      assert.equal((await api(`/Conferences/${sim.conferenceSid}/Participants/${r.call_sid}`, 'DELETE')).status, 204);
      assert.equal((await api(`/Conferences/${sim.conferenceSid}`, 'POST', { Status: 'completed' })).status, 200);
      assert.equal(events.length, n + 1);
    });
  });

  describe('record: conferences recorded as <Conference record="record-from-start">, with recording status callbacks', () => {
    // The spec's RecordingStatusCallbackPayload, plus ConferenceSid and Timestamp (read when present).
    const RECORDING_PARAMS = ['AccountSid', 'CallSid', 'ConferenceSid', 'RecordingChannels', 'RecordingDuration', 'RecordingSid', 'RecordingSource', 'RecordingStatus', 'RecordingUrl', 'Timestamp'];
    /** A callback's kind: its StatusCallbackEvent, or recording-<status> for a recording status callback. */
    const kind = (r: Received): string => r.params.StatusCallbackEvent ?? `recording-${r.params.RecordingStatus}`;
    const recordingPath = (conf: string, sid: string): string => `/Conferences/${conf}/Recordings/${sid}`;
    const seconds = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

    it('the first caller starts a recording in progress: a signed in-progress callback with the spec\'s parameters, after that join; the API lists it', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, friendlyNames: ['standup', 'side'], record: true });
      await sim.start();
      const [standup, side] = sim.conferences.map((c) => c.sid);
      assert.deepEqual(received.map(kind), [
        'conference-start', 'participant-join', 'recording-in-progress', 'participant-join', 'participant-join',
        'conference-start', 'participant-join', 'recording-in-progress', 'participant-join', 'participant-join',
      ]);
      for (const [conf, at] of [[standup, 2], [side, 7]] as const) {
        const [listed] = space.recordings(conf);
        assert.equal(space.recordings(conf).length, 1, 'one recording per conference');
        assert.deepEqual([listed.status, listed.source, listed.call_sid], ['in-progress', 'Conference', null]);
        assert.equal(sim.recordingSid(conf), listed.sid);
        const r = received[at];
        assert.deepEqual(Object.keys(r.params).sort(), RECORDING_PARAMS);
        assert.equal(validateSignature(r.signature, callbackUrl, r.params, sim.signingKey), true);
        assert.deepEqual(r.params, {
          AccountSid: space.projectId,
          CallSid: space.participants(conf)[0].call_sid, // the call whose <Conference> started it
          ConferenceSid: conf,
          RecordingSid: listed.sid,
          RecordingUrl: `${space.url}/api/laml/2010-04-01/Accounts/${space.projectId}/Recordings/${listed.sid}`,
          RecordingStatus: 'in-progress',
          RecordingDuration: '0',
          RecordingChannels: '1',
          RecordingSource: 'Conference',
          Timestamp: r.params.Timestamp,
        });
        assert.match(r.params.Timestamp, RFC2822);
      }
      const results = await sim.end();
      // absent when the conference lasted under a second, else completed
      assert.ok(results.some((e) => /^recording-(absent|completed)$/.test(e.event) && e.recordingSid === space.recordings(standup)[0].sid && e.friendlyName === 'standup'), 'the events name the recording and the conference');
    });

    it('the API pauses and resumes it with no callback (SignalWire sends none); stopped, it is called back completed once its file is ready, with the seconds recorded', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, record: true });
      await sim.start();
      const conf = sim.conferenceSid;
      const rec = sim.recordingSid(conf)!;
      await seconds(1100); // a second recorded
      const n = received.length;
      for (const Status of ['paused', 'in-progress', 'paused', 'in-progress']) {
        const res = await api(recordingPath(conf, rec), 'POST', { Status });
        assert.equal(res.status, 200);
        assert.equal(((await res.json()) as { status: string }).status, Status);
      }
      const [p] = space.participants(conf);
      await sim.act({ kind: 'mute', callSid: p.call_sid }); // callbacks go out in order: anything for the pauses would come first
      assert.deepEqual(received.slice(n).map(kind), ['participant-mute']);
      assert.equal(sim.recordingSid(conf), rec);

      const stopped = await api(recordingPath(conf, rec), 'POST', { Status: 'stopped' });
      assert.equal(((await stopped.json()) as { status: string }).status, 'stopped', 'the update answers stopped');
      await waitForCallbacks(n + 2);
      const done = received[n + 1];
      assert.equal(kind(done), 'recording-completed');
      assert.deepEqual([done.params.RecordingSid, done.params.ConferenceSid], [rec, conf]);
      assert.ok(Number(done.params.RecordingDuration) >= 1, `RecordingDuration ${done.params.RecordingDuration}`);
      assert.equal(done.params.RecordingDuration, String(space.recording(conf, rec)!.duration));
      assert.equal(space.recording(conf, rec)!.status, 'completed');
      assert.equal(sim.recordingSid(conf), null, 'no current recording any more');
      // The conference goes on unrecorded: record-from-start starts one recording, not another.
      await sim.act({ kind: 'join' });
      await sim.act({ kind: 'leave', callSid: p.call_sid });
      assert.deepEqual(space.recordings(conf).map((r) => r.sid), [rec]);
      assert.ok(received.slice(n + 2).every((r) => r.params.StatusCallbackEvent), 'no more recording callbacks');
    });

    it('the conference ends: its recording completes, called back after conference-end; the next caller starts a new conference and recording', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, friendlyNames: ['main', 'side'], maxParticipants: 2, record: true });
      await sim.start();
      const [main, side] = sim.conferences.map((c) => c.sid);
      const recorded = { main: sim.recordingSid(main)!, side: sim.recordingSid(side)! };
      await seconds(1100);
      // main: ended through the API
      let n = received.length;
      assert.equal((await api(`/Conferences/${main}`, 'POST', { Status: 'completed' })).status, 200);
      await waitForCallbacks(n + 4);
      assert.deepEqual(received.slice(n).map(kind), ['participant-leave', 'participant-leave', 'conference-end', 'recording-completed']);
      assert.equal(received[n + 3].params.RecordingSid, recorded.main);
      assert.equal(space.recording(main, recorded.main)!.status, 'completed');
      // side: its last participant leaves
      n = received.length;
      for (const p of space.participants(side)) await sim.act({ kind: 'leave', callSid: p.call_sid });
      assert.deepEqual(received.slice(n).map(kind), ['participant-leave', 'participant-leave', 'conference-end', 'recording-completed']);
      assert.equal(received.at(-1)!.params.RecordingSid, recorded.side);
      // a new caller: a new conference, recorded from its start
      n = received.length;
      const join = await sim.act({ kind: 'join', friendlyName: 'side' });
      const again = sim.conferences.find((c) => c.friendlyName === 'side')!.sid;
      assert.notEqual(again, side);
      assert.deepEqual(received.slice(n).map(kind), ['conference-start', 'participant-join', 'recording-in-progress']);
      assert.equal(received.at(-1)!.params.CallSid, join.callSid);
      assert.notEqual(sim.recordingSid(again), recorded.side);
      assert.equal(space.recordings(again)[0].status, 'in-progress');
    });

    it('a recording with nothing in it (paused with skip from its start) is called back absent when the conference ends', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, record: true });
      await sim.start();
      const conf = sim.conferenceSid;
      const rec = sim.recordingSid(conf)!;
      assert.equal((await api(recordingPath(conf, rec), 'POST', { Status: 'paused', PauseBehavior: 'skip' })).status, 200);
      const results = await sim.end();
      assert.deepEqual(results.map((e) => e.event).slice(-2), ['conference-end', 'recording-absent']);
      assert.deepEqual([received.at(-1)!.params.RecordingStatus, received.at(-1)!.params.RecordingDuration], ['absent', '0']);
      assert.equal(space.recording(conf, rec)!.status, 'absent');
    });

    it('recordingStatusCallbackEvent: only the statuses asked for are called back (SignalWire\'s default is completed)', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, record: true, recordingStatusCallbackEvent: ['completed'] });
      await sim.start();
      assert.deepEqual(received.map(kind), ['conference-start', 'participant-join', 'participant-join', 'participant-join']);
      assert.equal(space.recordings(sim.conferenceSid)[0].status, 'in-progress', 'recorded all the same');
    });

    it('recording callbacks are best effort like the others: planDelivery decides them in their order', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, record: true });
      sim.planDelivery({}, {}, { lost: true }); // conference-start, the first join, then the recording's in-progress
      await sim.start();
      assert.deepEqual(received.map(kind), ['conference-start', 'participant-join', 'participant-join', 'participant-join']);
      assert.equal(sim.lostCallbacks, 1);
      assert.equal(space.recordings(sim.conferenceSid)[0].status, 'in-progress', 'the API lists what the lost callback would have said');
    });

    it('stop() drops a completion still to come: nothing is POSTed after it', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, record: true });
      await sim.start();
      const conf = sim.conferenceSid;
      const n = received.length;
      const stopping = api(recordingPath(conf, sim.recordingSid(conf)!), 'POST', { Status: 'stopped' });
      sim.stop();
      assert.equal((await stopping).status, 200);
      await seconds(100);
      assert.equal(received.length, n);
      assert.equal(space.recordings(conf)[0].status, 'stopped', 'never completed by a stopped simulator');
    });

    it('without record (the default) nothing is recorded', async () => {
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000 });
      await sim.start();
      assert.deepEqual(space.recordings(sim.conferenceSid), []);
      assert.equal(sim.recordingSid(sim.conferenceSid), null);
    });
  });

  it('coaching through the API shows on the participant objects and sends no callback (there is no coaching event); Coaching=false ends it', async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000 });
    await sim.start();
    const conf = sim.conferenceSid;
    const [agent, , supervisor] = space.participants(conf);
    const n = received.length;
    const res = await api(`/Conferences/${conf}/Participants/${supervisor.call_sid}`, 'POST', { Coaching: 'true', CallSidToCoach: agent.call_sid });
    assert.equal(res.status, 200);
    const answered = (await res.json()) as FakeParticipant;
    assert.deepEqual([answered.coaching, answered.call_sid_to_coach], [true, agent.call_sid]);
    const listed = (await (await api(`/Conferences/${conf}/Participants/${supervisor.call_sid}`)).json()) as FakeParticipant;
    assert.deepEqual([listed.coaching, listed.call_sid_to_coach], [true, agent.call_sid]);
    assert.equal((await api(`/Conferences/${conf}/Participants/${supervisor.call_sid}`, 'POST', { Coaching: 'false' })).status, 200);
    assert.deepEqual([space.participant(conf, supervisor.call_sid)!.coaching, space.participant(conf, supervisor.call_sid)!.call_sid_to_coach], [false, null]);
    await sim.act({ kind: 'mute', callSid: agent.call_sid }); // in order after anything the coaching would have sent
    assert.deepEqual(received.slice(n).map((r) => r.params.StatusCallbackEvent), ['participant-mute']);
  });

  it('every callback carries Timestamp in RFC 2822, to the second, the time of its event; a late one keeps it', async () => {
    let now = Date.parse('2024-03-05T14:07:09.750Z');
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, lateMs: 200, clock: () => now, random: seeded(6) });
    await sim.start();
    assert.ok(received.every((r) => r.params.Timestamp === 'Tue, 05 Mar 2024 14:07:09 +0000'));
    assert.equal(rfc2822(now), 'Tue, 05 Mar 2024 14:07:09 +0000');
    sim.planDelivery({ late: true });
    const late = sim.step();
    now += 2000;
    await sim.step();
    await late;
    assert.deepEqual(received.slice(-2).map((r) => r.params.Timestamp), ['Tue, 05 Mar 2024 14:07:11 +0000', 'Tue, 05 Mar 2024 14:07:09 +0000']);
  });

  it('runs on its timer, and stop() leaves no timer and sends nothing more', async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 20 });
    await sim.start();
    await new Promise((r) => setTimeout(r, 150));
    sim.stop();
    assert.equal(sim.running, false);
    const count = received.length;
    assert.ok(count >= 4 + 3, `only ${count} callbacks`);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(received.length <= count + 1); // at most one that was already in flight
    const settled = received.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(received.length, settled);
    await assert.rejects(sim.step(), /not running/);
  });

  it('counts failed callbacks (non-2xx, connection refused) without throwing', async () => {
    answerStatus = 500;
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000 });
    await sim.start();
    assert.equal(sim.callbackFailures, 4);
    assert.equal(sim.callbacksSent, 0);
    sim.stop();

    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    receiver = http.createServer(); // closed again by afterEach
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000 });
    await sim.start();
    assert.equal(sim.callbackFailures, 4);
    const e = await sim.step();
    assert.equal(e.delivered, false);
    assert.equal(sim.callbackFailures, 5);
  });

  it('without a callbackUrl only changes state', async () => {
    sim = new ConferenceSimulator({ space, intervalMs: 60_000 });
    await sim.start();
    const e = await sim.step();
    assert.equal(e.delivered, null);
    assert.equal(received.length, 0);
  });

  it('end() ends every conference: each participant leaves, then conference-end; then it stops', async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, friendlyNames: ['a', 'b'] });
    await sim.start();
    const [a, b] = sim.conferences.map((c) => c.sid);
    const inA = space.participants(a).map((p) => p.call_sid);
    received.length = 0;
    const results = await sim.end();
    assert.deepEqual(results.map((r) => [r.conferenceSid, r.event]), [
      [a, 'participant-leave'], [a, 'participant-leave'], [a, 'participant-leave'], [a, 'conference-end'],
      [b, 'participant-leave'], [b, 'participant-leave'], [b, 'participant-leave'], [b, 'conference-end'],
    ]);
    assert.deepEqual(results.slice(0, 3).map((r) => r.callSid), inA);
    assert.deepEqual(received.map((r) => r.params), results.map((r) => r.params));
    assert.ok(received.filter((r) => r.params.CallSid).every((r) => r.params.CallStatus === 'completed'));
    for (const sid of [a, b]) {
      assert.deepEqual(space.participants(sid), []);
      assert.equal(space.conferenceStatus(sid), 'completed');
    }
    assert.deepEqual(sim.conferences, []);
    assert.equal(sim.running, false);
  });
});
