import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConferenceSimulator, FakeSpace, SimEventResult, computeSignature, validateSignature } from '../simulator';

interface Received {
  params: Record<string, string>;
  signature: string | undefined;
  contentType: string | undefined;
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
          signature: req.headers['x-signalwire-signature'] as string | undefined,
          contentType: req.headers['content-type'],
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
    assert.deepEqual(received.map((r) => r.params.SequenceNumber), ['1', '2', '3', '4']);
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
    assert.match(join.From, /^\+1555\d{7}$/);
    assert.ok(join.To);
    assert.equal(sim.callbacksSent, 4);
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
    assert.equal(received[received.length - 1].params.SequenceNumber, String(4 + 60));
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
