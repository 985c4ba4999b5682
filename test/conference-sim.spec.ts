import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConferenceSimulator, FakeSpace, SimEventResult, computeSignature, validateSignature, withDefaultPort, withoutDefaultPort } from '../simulator';

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

// Deterministic stand-in for Math.random (mulberry32).
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
    sim = new ConferenceSimulator({ space, callbackUrl, friendlyName: 'standup', intervalMs: 60_000 });
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

  it("sequenceNumbers: true adds Twilio's SequenceNumber, counting every event", async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, sequenceNumbers: true });
    await sim.start();
    await sim.step();
    assert.deepEqual(received.map((r) => r.params.SequenceNumber), ['1', '2', '3', '4', '5']);
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
      const bodies = received.map((r) => r.body);
      assert.equal(bodies.length, 4 + 20 + sim.repeats);
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
      sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000, lateMs: 5000 });
      await sim.start();
      received.length = 0;
      sim.lateRate = 1;
      const late = sim.step();
      await new Promise((r) => setTimeout(r, 50));
      const t = Date.now();
      sim.stop();
      const e = await late;
      assert.ok(Date.now() - t < 500, 'stop() did not end the hold');
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
    for (let i = 0; i < 60; i++) {
      const e: SimEventResult = await sim.step();
      assert.equal(e.delivered, true);
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
        default:
          assert.fail(`unexpected ${e.event}`);
      }
      present = new Set(now.map((x) => x.call_sid));
    }
    assert.deepEqual([...seen].sort(), ['participant-hold', 'participant-join', 'participant-leave', 'participant-mute', 'participant-unhold', 'participant-unmute']);
    assert.equal(sim.sequenceNumber, 4 + 60);
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

  it('end() empties the conference and POSTs conference-end', async () => {
    sim = new ConferenceSimulator({ space, callbackUrl, intervalMs: 60_000 });
    await sim.start();
    const e = await sim.end();
    assert.equal(e.event, 'conference-end');
    assert.equal(received[received.length - 1].params.StatusCallbackEvent, 'conference-end');
    assert.deepEqual(space.participants(sim.conferenceSid), []);
    assert.equal(sim.running, false);
  });
});
