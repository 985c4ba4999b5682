// The conference events node in a running flow, called over real HTTP: Node-RED's node app
// (RED.httpNode) mounted under an httpNodeRoot on a local server, as Node-RED mounts it.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http, { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { inspect } from 'node:util';
import express from 'express';
import sinon from 'sinon';
import { useLanguage } from '../support/catalogues';
import {
  assertNoStray,
  collect,
  delay,
  eventsNode,
  helper,
  lastStatus,
  listNode,
  load,
  loggedErrors,
  next,
  redeployNodes,
  spaceNode,
  statuses,
  startSpace,
  updateRecordingNode,
  type FlowNode,
  type Msg,
} from '../support/harness';

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
// The vendor SDK signs the callbacks these tests send (its webhooks module, by file).
const sdk = require(path.join(path.dirname(require.resolve('@signalwire/compatibility-api')), '..', 'lib', 'webhooks', 'webhooks.js')) as {
  getExpectedTwilioSignature(key: string, url: string, params: Record<string, string>): string;
};

const PROJECT = 'a1b2c3d4-0000-4000-8000-000000000001';
const KEY = 'PSK_test_signing_key_0123456789abcdef';
const TOKEN = 'token-0123456789abcdef';
const PATH = '/signalwire/conference-events';
const ROOT = '/nr';
const CONF = 'c0nf0000-0000-4000-8000-000000000002';
const CREDS = { space: { projectId: PROJECT, apiToken: TOKEN, signingKey: KEY } };
const NO_KEY = { space: { projectId: PROJECT, apiToken: TOKEN } };

let seq = 0;
/** A participant callback as SignalWire sends it; each one distinct (its own CallSid and time). */
function callback(extra: Record<string, string> = {}): Record<string, string> {
  seq++;
  return {
    AccountSid: PROJECT,
    ApiVersion: '2010-04-01',
    CallSid: `ca11${String(seq).padStart(4, '0')}-0000-4000-8000-000000000003`,
    CallStatus: 'in-progress',
    ConferenceSid: CONF,
    Direction: 'inbound',
    EndConferenceOnExit: 'false',
    FriendlyName: 'standup',
    From: '+15551230001',
    Hold: 'false',
    Muted: 'true',
    StartConferenceOnEnter: 'true',
    StatusCallbackEvent: 'participant-join',
    Timestamp: new Date(Date.UTC(2024, 0, 2, 3, 4, 5) + seq * 1000).toUTCString().replace('GMT', '+0000'),
    To: '+15559870000',
    ...extra,
  };
}

// ---------------------------------------------------------------- the HTTP side

let app: any;
let server: http.Server | undefined;
let port = 0;
/** A node "module" that only keeps the RED.httpNode the runtime gives to node modules. */
const captureHttpNode = (red: any) => {
  app = red.httpNode;
};

async function serve(): Promise<void> {
  const outer = express();
  outer.use(ROOT, (req, res, next) => app(req, res, next));
  server = http.createServer(outer);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  port = (server!.address() as AddressInfo).port;
}

async function stopServing(): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
}

/** The URL a request to `p` arrives at. */
function localUrl(p = PATH): string {
  return `http://127.0.0.1:${port}${ROOT}${p}`;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over a fresh connection. `body` as chunks sends it chunked (no Content-Length). */
function request(opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[] }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: ROOT + (opts.path ?? PATH), headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    // Once the answer has come, a write cut short by the server closing is not a failure.
    req.on('error', (err) => ((req as any).res ? undefined : reject(err)));
    if (Array.isArray(opts.body)) {
      for (const c of opts.body) req.write(c);
      req.end();
    } else req.end(opts.body);
  });
}

const FORM = 'application/x-www-form-urlencoded';

/** POSTs a callback signed by the SDK over `signedUrl` (default: the URL it arrives at). */
function post(params: Record<string, string>, opts: { signedUrl?: string; key?: string; header?: string; headers?: Record<string, string>; path?: string } = {}): Promise<Answer> {
  const signature = sdk.getExpectedTwilioSignature(opts.key ?? KEY, opts.signedUrl ?? localUrl(opts.path), params);
  return request({
    path: opts.path,
    headers: { 'Content-Type': FORM, [opts.header ?? 'X-SignalWire-Signature']: signature, ...opts.headers },
    body: new URLSearchParams(params).toString(),
  });
}

/** Routes on the node app's router for `p`. */
function routesOn(p = PATH): number {
  // express 4 keeps the stack on _router (created with the first route; its `router` getter throws).
  const stack: any[] = app._router?.stack ?? [];
  return stack.filter((l) => l.route?.path === p).length;
}

// ---------------------------------------------------------------- the flow

const at = { z: 'f1', x: 100, y: 100 };
function eventsFlow(node: FlowNode = {}, extra: FlowNode[] = []): FlowNode[] {
  return [
    { id: 'f1', type: 'tab', label: 'test' },
    { id: 'space', type: 'signalwire-space', name: 'test space', space: 'example' },
    { id: 'n1', ...at, type: 'signalwire-conference-events', space: 'space', url: PATH, ...node, wires: [['out'], ['changed']] },
    { id: 'out', ...at, type: 'helper', wires: [] },
    { id: 'changed', ...at, type: 'helper', wires: [] },
    ...extra,
  ];
}

const MODULES = [spaceNode, eventsNode, listNode, captureHttpNode];

async function start(node: FlowNode = {}, creds: object = CREDS, extra: FlowNode[] = []): Promise<any> {
  const n1 = await load(eventsFlow(node, extra), creds, MODULES);
  await serve();
  return n1;
}

function logged(level: 'WARN' | 'ERROR', id = 'n1'): string[] {
  const log = helper.log() as any;
  return (log.args as unknown[][]).map((a) => a[0] as Record<string, unknown>).filter((e) => e?.level === log[level] && e.id === id).map((e) => String(e.msg));
}

function everythingLogged(): string {
  return JSON.stringify((helper.log() as any).args);
}

describe('signalwire-conference-events node', function () {
  const savedEnv = { key: process.env.SIGNALWIRE_SIGNING_KEY, project: process.env.SIGNALWIRE_PROJECT_ID };

  beforeEach(() => {
    delete process.env.SIGNALWIRE_SIGNING_KEY;
    delete process.env.SIGNALWIRE_PROJECT_ID;
  });

  afterEach(async () => {
    sinon.restore();
    try {
      await assertNoStray(50);
    } finally {
      await helper.unload();
      await stopServing();
      helper.settings({});
      await useLanguage('en-US');
      for (const [name, value] of [['SIGNALWIRE_SIGNING_KEY', savedEnv.key], ['SIGNALWIRE_PROJECT_ID', savedEnv.project]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  describe('a good callback', () => {
    it('is answered 204 with no body, and sent once on output 1 with the event typed', async () => {
      const n1 = await start();
      const params = callback({ SequenceNumber: '3' });
      const answer = await post(params);
      assert.equal(answer.status, 204);
      assert.equal(answer.body, '');
      const msg = await next('out');
      assert.equal(msg.topic, 'participant-join');
      assert.equal(msg.conferenceSid, CONF);
      assert.equal(msg.callSid, params.CallSid);
      assert.deepEqual(msg.payload, {
        event: 'participant-join',
        conferenceSid: CONF,
        friendlyName: 'standup',
        callSid: params.CallSid,
        accountSid: PROJECT,
        apiVersion: '2010-04-01',
        callStatus: 'in-progress',
        direction: 'inbound',
        endConferenceOnExit: false,
        from: '+15551230001',
        hold: false,
        muted: true,
        startConferenceOnEnter: true,
        timestamp: new Date(Date.parse(params.Timestamp)).toISOString(),
        to: '+15559870000',
        sequenceNumber: 3,
      });
      assert.match(msg.payload.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
      assert.deepEqual(msg.callback, params, 'the raw parameters as received');
      assert.equal('muted' in msg, false, 'no top-level muted/hold: a list node would take them as filters');
      const changed = await next('changed');
      assert.equal(changed.conferenceSid, CONF);
      assert.equal(changed.coalesced, 1);
      assert.deepEqual(changed.payload, msg.payload);
      assert.notEqual(changed.payload, msg.payload, 'output 2 has its own payload object');
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '1 event' });
    });

    it('is answered before the flow runs: the 204 is ended before the message is sent', async () => {
      const n1 = await start();
      const order: string[] = [];
      const end = ServerResponse.prototype.end;
      sinon.stub(ServerResponse.prototype, 'end').callsFake(function (this: ServerResponse, ...args: unknown[]) {
        order.push(`end ${this.statusCode}`);
        return (end as any).apply(this, args);
      });
      const send = n1.send;
      n1.send = function (this: unknown, ...args: unknown[]) {
        order.push('send');
        return send.apply(this, args);
      };
      assert.equal((await post(callback({ StatusCallbackEvent: 'conference-start', CallSid: '' }))).status, 204);
      await next('out');
      await next('changed');
      assert.deepEqual(order.slice(0, 2), ['end 204', 'send']);
    });

    it('has no callSid at the top level for a conference event without one', async () => {
      await start();
      const params = callback({ StatusCallbackEvent: 'conference-end' });
      delete (params as Record<string, string>).CallSid;
      assert.equal((await post(params)).status, 204);
      const msg = await next('out');
      assert.equal(msg.topic, 'conference-end');
      assert.equal('callSid' in msg, false);
      assert.equal(msg.conferenceSid, CONF);
      await next('changed');
    });

    it('feeds a list participants node wired straight to it, with no configuration', async () => {
      const h = await startSpace(2);
      try {
        const flow: FlowNode[] = [
          { id: 'f1', type: 'tab', label: 'test' },
          { id: 'space', type: 'signalwire-space', name: 'fake space', space: h.space.url },
          { id: 'n1', ...at, type: 'signalwire-conference-events', space: 'space', url: PATH, wires: [['list'], []] },
          { id: 'list', ...at, type: 'signalwire-list-participants', space: 'space', wires: [['out']] },
          { id: 'out', ...at, type: 'helper', wires: [] },
          { id: 'c', ...at, type: 'catch', scope: ['list'], uncaught: false, wires: [['out']] },
        ];
        await load(flow, { space: { projectId: h.space.projectId, apiToken: h.space.apiToken, signingKey: KEY } }, MODULES);
        await serve();
        assert.equal((await post(callback({ AccountSid: h.space.projectId, ConferenceSid: h.conferenceSid }))).status, 204);
        const listed = await next('out');
        assert.equal(listed.error, undefined, listed.error?.message);
        assert.equal(listed.payload.length, 2);
        assert.equal(listed.conferenceSid, h.conferenceSid);
      } finally {
        await helper.unload();
        await h.space.close();
      }
    });
  });

  describe('signatures', () => {
    it('accepts a signature over the public URL with :443 written out, and without it', async () => {
      await start({ publicUrl: 'https://hooks.example.com/signalwire/conference-events' });
      assert.equal((await post(callback(), { signedUrl: 'https://hooks.example.com:443/signalwire/conference-events' })).status, 204);
      assert.equal((await post(callback(), { signedUrl: 'https://hooks.example.com/signalwire/conference-events' })).status, 204);
      await next('out');
      await next('out');
      await collect('changed', 0);
      // Signed over the URL it arrived at locally: not the URL SignalWire was given.
      assert.equal((await post(callback())).status, 403);
    });

    it('accepts a public URL written with :443 and a signature without it', async () => {
      await start({ publicUrl: 'https://hooks.example.com:443/signalwire/conference-events' });
      assert.equal((await post(callback(), { signedUrl: 'https://hooks.example.com/signalwire/conference-events' })).status, 204);
      await next('out');
      await next('changed');
    });

    it('accepts the X-Twilio-Signature alias', async () => {
      await start();
      assert.equal((await post(callback(), { header: 'X-Twilio-Signature' })).status, 204);
      await next('out');
      await next('changed');
    });

    it('refuses a bad signature with 403: nothing sent, counted in the status with its reason', async () => {
      const n1 = await start();
      const answer = await post(callback(), { key: `${KEY}-wrong` });
      assert.equal(answer.status, 403);
      assert.equal(answer.body, '', 'the caller is not told which check failed');
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: '0 events, 1 refused (bad signature)' });
      assert.equal((await post(callback())).status, 204);
      await next('out');
      await next('changed');
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '1 event, 1 refused (bad signature)' });
    });

    it('refuses a callback whose parameters were changed after signing', async () => {
      await start();
      const params = callback();
      const signature = sdk.getExpectedTwilioSignature(KEY, localUrl(), params);
      const answer = await request({ headers: { 'Content-Type': FORM, 'X-SignalWire-Signature': signature }, body: new URLSearchParams({ ...params, Muted: 'false' }).toString() });
      assert.equal(answer.status, 403);
    });

    it('refuses a callback without a signature with 403', async () => {
      const n1 = await start();
      const answer = await request({ headers: { 'Content-Type': FORM }, body: new URLSearchParams(callback()).toString() });
      assert.equal(answer.status, 403);
      assert.equal((await lastStatus(n1))?.text, '0 events, 1 refused (no signature)');
    });

    it('refuses a well-signed callback of another project (AccountSid is not the Project ID) with 403', async () => {
      const n1 = await start();
      assert.equal((await post(callback({ AccountSid: 'another-project' }))).status, 403);
      assert.equal((await lastStatus(n1))?.text, '0 events, 1 refused (other AccountSid)');
      assert.match(logged('WARN').join('\n'), /AccountSid "another-project" is not the space's Project ID/);
    });

    it('refuses a well-signed callback with no AccountSid at all with 403, as one of another project', async () => {
      const n1 = await start();
      const { AccountSid: _none, ...params } = callback();
      assert.equal((await post(params)).status, 403);
      assert.equal((await lastStatus(n1))?.text, '0 events, 1 refused (other AccountSid)');
      assert.match(logged('WARN').join('\n'), /AccountSid "" is not the space's Project ID/);
      assert.deepEqual(await collect('out', 0), []);
    });

    it('fails closed without a Signing Key: every callback refused, the status and a warning say why', async () => {
      const n1 = await start({}, NO_KEY);
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'no signing key: refusing all' });
      assert.match(logged('WARN')[0], /^no Signing Key: set it in the space configuration or in SIGNALWIRE_SIGNING_KEY/);
      assert.equal((await post(callback())).status, 403);
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'no signing key: refusing all, 1 refused (no signing key)' });
    });

    it('fails closed without a Project ID: the AccountSid cannot be checked, so every callback is refused', async () => {
      const n1 = await start({}, { space: { projectId: '', apiToken: TOKEN, signingKey: KEY } });
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'no Project ID: refusing all' });
      assert.equal((await post(callback())).status, 403);
      assert.equal((await lastStatus(n1))?.text, 'no Project ID: refusing all, 1 refused (no Project ID)');
    });

    it('takes the Signing Key from SIGNALWIRE_SIGNING_KEY when the credential is empty', async () => {
      process.env.SIGNALWIRE_SIGNING_KEY = KEY;
      const n1 = await start({}, { space: { projectId: PROJECT, apiToken: TOKEN, signingKey: '' } });
      assert.equal((await post(callback())).status, 204);
      await next('out');
      await next('changed');
      assert.equal((await lastStatus(n1))?.fill, 'green');
    });

    it('with verify off: unsigned callbacks pass, the status is a yellow ring, the AccountSid is still checked', async () => {
      const n1 = await start({ verify: false }, NO_KEY);
      assert.deepEqual(await lastStatus(n1), { fill: 'yellow', shape: 'ring', text: 'listening, not verified' });
      const answer = await request({ headers: { 'Content-Type': FORM }, body: new URLSearchParams(callback()).toString() });
      assert.equal(answer.status, 204);
      await next('out');
      await next('changed');
      assert.deepEqual(await lastStatus(n1), { fill: 'yellow', shape: 'ring', text: '1 event, not verified' });
      assert.equal((await request({ headers: { 'Content-Type': FORM }, body: new URLSearchParams(callback({ AccountSid: 'x' })).toString() })).status, 403);
    });

    it('uses X-Forwarded-Proto/Host only when Node-RED trusts the proxy (trust proxy)', async () => {
      await start();
      const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'public.example.com' };
      const publicUrl = `https://public.example.com${ROOT}${PATH}`;
      // Not trusted (the default): the headers are ignored.
      assert.equal((await post(callback(), { signedUrl: publicUrl, headers: forwarded })).status, 403);
      assert.equal((await post(callback(), { headers: forwarded })).status, 204);
      await next('out');
      await next('changed');
      app.set('trust proxy', 'loopback');
      assert.equal((await post(callback(), { signedUrl: publicUrl, headers: forwarded })).status, 204);
      await next('out');
      await collect('changed', 0);
      assert.equal((await post(callback(), { headers: forwarded })).status, 403);
    });

    it('checks against the path under httpNodeRoot, query included', async () => {
      await start();
      const p = `${PATH}?tenant=a%20b`;
      assert.equal((await post(callback(), { path: p, signedUrl: `http://127.0.0.1:${port}${ROOT}${p}` })).status, 204);
      assert.equal((await post(callback(), { path: p, signedUrl: `http://127.0.0.1:${port}${p}` })).status, 403);
      await next('out');
      await next('changed');
    });
  });

  describe('requests that are not callbacks', () => {
    it('answers 405 (Allow: POST) to other methods, 415 to other bodies, 413 over 64 KiB; sends nothing', async () => {
      const n1 = await start();
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const answer = await request({ method });
        assert.equal(answer.status, 405, method);
        assert.equal(answer.headers.allow, 'POST');
      }
      assert.equal((await request({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(callback()) })).status, 415);
      assert.equal((await request({ body: new URLSearchParams(callback()).toString() })).status, 415, 'no Content-Type');
      assert.equal((await request({ headers: { 'Content-Type': `${FORM}; charset=iso-8859-1` }, body: 'a=1' })).status, 415);
      assert.equal((await request({ headers: { 'Content-Type': FORM, 'Content-Encoding': 'gzip' }, body: 'a=1' })).status, 415);
      const big = `Pad=${'x'.repeat(64 * 1024)}`;
      const params = callback();
      const signature = sdk.getExpectedTwilioSignature(KEY, localUrl(), { ...params, Pad: 'x'.repeat(64 * 1024) });
      assert.equal((await request({ headers: { 'Content-Type': FORM, 'X-SignalWire-Signature': signature }, body: `${new URLSearchParams(params)}&${big}` })).status, 413);
      const chunks = Array.from({ length: 70 }, () => Buffer.from(`a=${'y'.repeat(1022)}&`));
      assert.equal((await request({ headers: { 'Content-Type': FORM }, body: chunks })).status, 413, 'chunked, no Content-Length');
      assert.equal((await lastStatus(n1))?.text, '0 events, 10 refused (too large)');
      // Just under the limit, signed: accepted.
      const near = { ...callback(), Pad: 'z'.repeat(60 * 1024) };
      assert.equal((await post(near)).status, 204);
      await next('out');
      await next('changed');
    });
  });

  describe('filtering and repeats', () => {
    it('passes only the chosen events; the others are answered 204 and not sent', async () => {
      const n1 = await start({ events: ['participant-join', 'participant-leave'] });
      assert.equal((await post(callback({ StatusCallbackEvent: 'participant-mute' }))).status, 204);
      assert.equal((await post(callback({ StatusCallbackEvent: 'participant-leave' }))).status, 204);
      assert.equal((await next('out')).topic, 'participant-leave');
      assert.equal((await next('changed')).topic, 'participant-leave');
      assert.equal((await lastStatus(n1))?.text, '1 event');
    });

    it('sends a callback seen again within ten minutes only once (also signed over the other port form), and again after', async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      await start({ publicUrl: 'https://hooks.example.com/cb', url: '/cb' });
      const params = callback();
      for (const signedUrl of ['https://hooks.example.com/cb', 'https://hooks.example.com/cb', 'https://hooks.example.com:443/cb']) {
        assert.equal((await post(params, { signedUrl, path: '/cb' })).status, 204);
      }
      await next('out');
      await next('changed');
      assert.equal((await collect('out', 100)).length, 0, 'the repeats were not sent');
      clock.tick(9 * 60_000);
      assert.equal((await post(params, { signedUrl: 'https://hooks.example.com/cb', path: '/cb' })).status, 204);
      assert.equal((await collect('out', 100)).length, 0, 'still a repeat after nine minutes');
      clock.tick(60_000);
      assert.equal((await post(params, { signedUrl: 'https://hooks.example.com/cb', path: '/cb' })).status, 204);
      await next('out');
      await next('changed');
    });
  });

  describe('recording status callbacks', () => {
    const REC = 're000000-0000-4000-8000-000000000009';
    let recSeq = 0;
    /** A recording status callback as the spec's RecordingStatusCallbackPayload has it, with ConferenceSid. */
    function recording(extra: Record<string, string> = {}): Record<string, string> {
      recSeq++;
      return {
        AccountSid: PROJECT,
        CallSid: `ca11${String(recSeq).padStart(4, '0')}-0000-4000-8000-000000000003`,
        ConferenceSid: CONF,
        RecordingSid: REC,
        RecordingUrl: `https://example.signalwire.com/api/laml/2010-04-01/Accounts/${PROJECT}/Recordings/${REC}`,
        RecordingStatus: 'completed',
        RecordingDuration: String(90 + recSeq),
        RecordingChannels: '1',
        RecordingSource: 'StartConferenceRecording',
        ...extra,
      };
    }

    it('go to output 1 as recording-<status>, with msg.recordingSid, msg.conferenceSid and a typed payload; never to output 2', async () => {
      const n1 = await start({ coalesce: 0 });
      const params = recording();
      assert.equal((await post(params)).status, 204);
      const msg = await next('out');
      assert.equal(msg.topic, 'recording-completed');
      assert.equal(msg.recordingSid, REC);
      assert.equal(msg.conferenceSid, CONF);
      assert.equal('callSid' in msg, false, 'no top-level callSid: an update participant node wired here would act on it');
      assert.deepEqual(msg.payload, {
        event: 'recording-completed',
        conferenceSid: CONF,
        callSid: params.CallSid,
        recordingSid: REC,
        recordingStatus: 'completed',
        accountSid: PROJECT,
        recordingUrl: params.RecordingUrl,
        recordingDuration: Number(params.RecordingDuration),
        recordingChannels: 1,
        recordingSource: 'StartConferenceRecording',
      });
      assert.deepEqual(msg.callback, params);
      assert.deepEqual(await collect('changed', 100), [], 'a recording changes no participant: nothing on output 2');
      assert.equal((await lastStatus(n1))?.text, '1 event');
    });

    it('without ConferenceSid (the documented payload has none): no msg.conferenceSid', async () => {
      await start();
      const params = recording({ RecordingStatus: 'in-progress' });
      delete (params as Record<string, string>).ConferenceSid;
      assert.equal((await post(params)).status, 204);
      const msg = await next('out');
      assert.equal(msg.topic, 'recording-in-progress');
      assert.equal('conferenceSid' in msg, false);
      assert.equal(msg.recordingSid, REC);
    });

    it('pass the events filter only when it names their topic (or is empty)', async () => {
      await start({ events: ['participant-join', 'recording-absent'] });
      for (const status of ['completed', 'absent', 'in-progress']) assert.equal((await post(recording({ RecordingStatus: status }))).status, 204);
      assert.equal((await post(callback())).status, 204);
      const out = await collect('out', 150);
      assert.deepEqual(out.map((m: Msg) => m.topic), ['recording-absent', 'participant-join']);
      assert.deepEqual((await collect('changed', 0)).map((m: Msg) => m.topic), ['participant-join'], 'output 2: the conference event only');
    });

    it('a status that is not a plain token never makes a topic: the topic is "recording", recordingStatus null, the raw value on msg.callback', async () => {
      await start();
      const odd = ['completed\nrecording-absent', 'a'.repeat(33), 'Completed', 'completed/../x', 'in progress', '', '-x', 'x--y'];
      for (const RecordingStatus of odd) assert.equal((await post(recording({ RecordingStatus }))).status, 204);
      const out = await collect('out', 150);
      assert.equal(out.length, odd.length);
      for (const [i, m] of out.entries()) {
        assert.equal(m.topic, 'recording', JSON.stringify(odd[i]));
        assert.equal(m.payload.event, 'recording');
        assert.equal(m.payload.recordingStatus, null);
        assert.equal(m.callback.RecordingStatus, odd[i]);
      }
      // A parameter named like a payload field cannot change what the topic says.
      assert.equal((await post(recording({ Event: 'participant-join', RecordingStatus: 'absent' }))).status, 204);
      const named = await next('out');
      assert.deepEqual([named.topic, named.payload.event], ['recording-absent', 'recording-absent']);
      // An unknown status that is a plain token is a topic of its own, passed when nothing is filtered.
      assert.equal((await post(recording({ RecordingStatus: 'processing' }))).status, 204);
      assert.equal((await next('out')).topic, 'recording-processing');
    });

    it('are signed and checked like the others: a bad signature or another AccountSid is refused with 403; a repeat is sent once', async () => {
      await start();
      assert.equal((await post(recording(), { key: 'not-the-key' })).status, 403);
      assert.equal((await post(recording({ AccountSid: 'someone-else' }))).status, 403);
      const params = recording();
      assert.equal((await post(params)).status, 204);
      assert.equal((await post(params)).status, 204);
      assert.equal((await collect('out', 150)).length, 1);
    });

    it('feed an update recording node wired straight to them, with no configuration', async () => {
      const h = await startSpace();
      try {
        const r = h.space.startRecording(h.conferenceSid);
        const flow: FlowNode[] = [
          { id: 'f1', type: 'tab', label: 'test' },
          { id: 'space', type: 'signalwire-space', name: 'fake space', space: h.space.url },
          { id: 'n1', ...at, type: 'signalwire-conference-events', space: 'space', url: PATH, wires: [['stop'], []] },
          { id: 'stop', ...at, type: 'signalwire-update-recording', space: 'space', action: 'stop', wires: [['out']] },
          { id: 'out', ...at, type: 'helper', wires: [] },
          { id: 'c', ...at, type: 'catch', scope: ['stop'], uncaught: false, wires: [['out']] },
        ];
        await load(flow, { space: { projectId: h.space.projectId, apiToken: h.space.apiToken, signingKey: KEY } }, [...MODULES, updateRecordingNode]);
        await serve();
        assert.equal((await post(recording({ AccountSid: h.space.projectId, ConferenceSid: h.conferenceSid, RecordingSid: r.sid, RecordingStatus: 'in-progress' }))).status, 204);
        const stopped = await next('out');
        assert.equal(stopped.error, undefined, stopped.error?.message);
        assert.deepEqual([stopped.payload.sid, stopped.payload.status], [r.sid, 'stopped']);
        assert.deepEqual(h.space.requests.map((q) => q.method), ['POST'], 'the callback named the recording: no lookup');
      } finally {
        await helper.unload();
        await h.space.close();
      }
    });

    it('a callback with StatusCallbackEvent is a conference event even if it names a recording', async () => {
      await start();
      assert.equal((await post(callback({ RecordingSid: REC, RecordingStatus: 'completed', RecordingUrl: 'https://x.example.com/r' }))).status, 204);
      const msg = await next('out');
      assert.equal(msg.topic, 'participant-join');
      assert.equal('recordingSid' in msg, false);
      assert.equal(msg.payload.recordingStatus, 'completed');
      await next('changed');
    });
  });

  describe('output 2: coalescing', () => {
    it('sends the first callback of a conference at once, not at the end of the window', async () => {
      // A window of an hour: held for it, the first would miss next()'s wait by far.
      await start({ coalesce: 3_600_000 });
      const first = callback();
      await post(first);
      const atOnce = await next('changed');
      assert.equal(atOnce.payload.callSid, first.CallSid);
      await post(callback({ StatusCallbackEvent: 'participant-mute' }));
      assert.equal((await collect('changed', 50)).length, 0, 'the next one waits for the end of the window');
      assert.equal((await collect('out', 0)).length, 2, 'every callback on output 1');
    });

    it('sends the latest callback at the end of the window, with how many it stands for', async () => {
      await start({ coalesce: 400 });
      const first = callback();
      const t0 = Date.now();
      await post(first);
      assert.equal((await next('changed')).payload.callSid, first.CallSid);
      await post(callback({ StatusCallbackEvent: 'participant-mute' }));
      const last = callback({ StatusCallbackEvent: 'participant-leave' });
      await post(last);
      const latest = await next('changed');
      assert.equal(latest.payload.callSid, last.CallSid);
      assert.equal(latest.topic, 'participant-leave');
      assert.equal(latest.conferenceSid, CONF);
      assert.equal(latest.coalesced, 2);
      assert.ok(Date.now() - t0 >= 380, `the latest at the end of the window (${Date.now() - t0} ms)`);
      assert.equal((await collect('out', 0)).length, 3, 'every callback on output 1');
    });

    it('turns a storm of 1,000 callbacks in one conference into a few messages, the last state included', async function () {
      this.timeout(30000);
      await start({ coalesce: 100 });
      const started = Date.now();
      for (let batch = 0; batch < 20; batch++) {
        await Promise.all(Array.from({ length: 50 }, () => post(callback())));
        await delay(40);
      }
      const out = await collect('out', 400);
      assert.equal(out.length, 1000, 'every callback on output 1');
      const changed = await collect('changed', 0);
      const windows = Math.ceil((Date.now() - started) / 100);
      assert.ok(changed.length >= 3 && changed.length <= windows + 2, `${changed.length} messages on output 2 for about ${windows} windows`);
      assert.equal(changed[changed.length - 1].payload.callSid, out[out.length - 1].callSid, 'the last state is sent');
      assert.equal(changed.reduce((n: number, m: Msg) => n + m.coalesced, 0), 1000);
    });

    it("sends on output 2 the event as it came, whatever the flow did meanwhile to output 1's message", async () => {
      await start({ coalesce: 300 });
      const second = callback();
      for (const body of [callback(), second]) assert.equal((await post(body)).status, 204);
      const out = await collect('out', 50);
      assert.equal(out.length, 2);
      // A function node changes the payload of output 1 before output 2's window ends.
      out[1].payload.callSid = 'changed by the flow';
      out[1].payload.muted = 'changed by the flow';
      const changed = await collect('changed', 500);
      const last = changed[changed.length - 1];
      assert.equal(last.payload.callSid, second.CallSid);
      assert.equal(last.payload.muted, true);
    });

    it('with coalesce 0 sends every accepted callback on output 2 as well', async () => {
      await start({ coalesce: 0 });
      for (let i = 0; i < 3; i++) assert.equal((await post(callback())).status, 204);
      assert.equal((await collect('out', 100)).length, 3);
      const changed = await collect('changed', 0);
      assert.equal(changed.length, 3);
      assert.deepEqual(changed.map((m: Msg) => m.coalesced), [1, 1, 1]);
    });
  });

  describe('the route', () => {
    it('is removed on close: 404 afterwards', async () => {
      await start();
      assert.equal(routesOn(), 1);
      await helper.unload();
      assert.equal(routesOn(), 0);
      assert.equal((await post(callback())).status, 404);
    });

    it('leaves exactly one handler after a redeploy, and one message per callback', async () => {
      const first = await start();
      const flow = eventsFlow({ name: 'renamed', coalesce: 0 });
      const second = await redeployNodes(flow, CREDS);
      assert.notEqual(second, first);
      assert.equal(routesOn(), 1);
      assert.equal((await post(callback())).status, 204);
      assert.equal((await collect('out', 100)).length, 1);
      assert.equal((await collect('changed', 0)).length, 1);
      // Moved to another path: the old one is gone.
      await redeployNodes(eventsFlow({ url: '/elsewhere' }), CREDS);
      assert.equal(routesOn(), 0);
      assert.equal(routesOn('/elsewhere'), 1);
      assert.equal((await post(callback())).status, 404);
    });

    it('refuses a second node on the same path: an error and a status on it, the first keeps working', async () => {
      await start({}, CREDS, [{ id: 'n2', ...at, type: 'signalwire-conference-events', space: 'space', url: `${PATH}/`, wires: [['out'], ['changed']] }]);
      const n1 = helper.getNode('n1');
      const n2 = helper.getNode('n2');
      const errors = [...loggedErrors('n1'), ...loggedErrors('n2')];
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(String(errors[0].msg), /^Path \/signalwire\/conference-events\/? is already used by another conference events node \(n[12]\): this node does not listen$/);
      const loser = errors[0].id === 'n1' ? n1 : n2;
      assert.deepEqual(statuses(loser).pop(), { fill: 'red', shape: 'ring', text: 'path in use' });
      assert.equal(routesOn() + routesOn(`${PATH}/`), 1);
      assert.equal((await post(callback())).status, 204);
      assert.equal((await collect('out', 100)).length, 1);
      await collect('changed', 0);
    });

    it('does not listen with a broken setting: the error is logged and shown', async () => {
      const n1 = await start({ url: '/a/:id' });
      assert.match(String(loggedErrors('n1')[0]?.msg), /^Path must be plain path segments .* got "\/a\/:id"$/);
      assert.deepEqual(statuses(n1).pop(), { fill: 'red', shape: 'ring', text: 'config error' });
      assert.equal((await request({ path: '/a/:id', headers: { 'Content-Type': FORM }, body: 'a=1' })).status, 404);
    });

    it('goes through httpNodeMiddleware and httpNodeCors as the core http in node does', async () => {
      helper.settings({
        httpNodeMiddleware: (_req: unknown, res: ServerResponse, next: () => void) => {
          res.setHeader('X-Middleware', 'ran');
          next();
        },
        httpNodeCors: { origin: '*' },
      });
      await start();
      const answer = await post(callback(), { headers: { Origin: 'https://site.example' } });
      assert.equal(answer.status, 204);
      assert.equal(answer.headers['x-middleware'], 'ran');
      assert.equal(answer.headers['access-control-allow-origin'], '*');
      await next('out');
      await next('changed');
    });
    it('reads a body a middleware before it already parsed into flat values (an httpNodeMiddleware urlencoded parser)', async () => {
      helper.settings({
        httpNodeMiddleware: (req: any, _res: unknown, next: () => void) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            req.body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
            req._body = true;
            next();
          });
        },
      });
      await start();
      assert.equal((await post(callback())).status, 204);
      await next('out');
      await next('changed');
      assert.equal((await post(callback(), { key: 'wrong' })).status, 403);
    });

    it('does not listen when Node-RED serves no HTTP nodes (httpNodeRoot: false), and says so', async () => {
      helper.settings({ httpNodeRoot: false });
      const n1 = await start();
      assert.match(String(loggedErrors('n1')[0]?.msg), /httpNodeRoot: false/);
      assert.deepEqual(statuses(n1).pop(), { fill: 'red', shape: 'ring', text: 'HTTP nodes off' });
      assert.equal(routesOn(), 0);
    });
  });

  describe('logs and secrets', () => {
    it('logs at most one warning a minute, however many requests are refused', async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      await start();
      const signatures: string[] = [];
      for (let i = 0; i < 5; i++) {
        const params = callback();
        const bad = sdk.getExpectedTwilioSignature(`${KEY}-wrong`, localUrl(), params);
        signatures.push(bad);
        assert.equal((await request({ headers: { 'Content-Type': FORM, 'X-SignalWire-Signature': bad }, body: new URLSearchParams(params).toString() })).status, 403);
      }
      assert.equal((await request({ method: 'GET' })).status, 405);
      let warnings = logged('WARN');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /^SignalWire callback refused with HTTP 403: the signature does not match http:\/\/127\.0\.0\.1:\d+\/nr\/signalwire\/conference-events \(with or without its default port\)/);
      clock.tick(59_000);
      await post(callback(), { key: 'other' });
      assert.equal(logged('WARN').length, 1);
      clock.tick(1_000);
      await request({ method: 'GET' });
      warnings = logged('WARN');
      assert.equal(warnings.length, 2);
      assert.equal(warnings[1], 'SignalWire callback refused with HTTP 405: method GET, only POST is accepted (6 more refused since the last warning)');
      const all = everythingLogged();
      for (const s of signatures) assert.equal(all.includes(s), false, 'a signature header value is never logged');
    });

    it('never shows the Signing Key: not in logs, statuses, messages, errors or exported flows', async () => {
      const n1 = await start({ coalesce: 0 });
      await post(callback());
      await post(callback(), { key: 'wrong' });
      await request({ headers: { 'Content-Type': FORM, 'X-SignalWire-Signature': KEY }, body: new URLSearchParams(callback()).toString() });
      await request({ method: 'GET' });
      const msgs = [...(await collect('out', 100)), ...(await collect('changed', 0))];
      assert.equal(msgs.length, 2);
      await lastStatus(n1);
      const registry = (helper as any)._redNodes;
      assert.deepEqual(registry.getCredentialDefinition('signalwire-space').signingKey, { type: 'password' });
      const seen = [everythingLogged(), JSON.stringify(statuses(n1)), JSON.stringify(msgs), JSON.stringify(registry.getFlows().flows), inspect((helper.getNode('space') as any).callbackAuth, { depth: 5, showHidden: true })];
      for (const s of seen) assert.equal(s.includes(KEY), false, s.slice(0, 300));
    });

    it('keeps the Signing Key out of the space node\'s config error when it was pasted into the space field', async () => {
      await load(
        eventsFlow().map((n) => (n.id === 'space' ? { ...n, space: `http://${KEY.toLowerCase()}.example.com` } : n)),
        { space: { projectId: PROJECT, apiToken: TOKEN, signingKey: KEY.toLowerCase() } },
        MODULES,
      );
      const errors = loggedErrors('space');
      assert.equal(errors.length, 1);
      assert.equal(JSON.stringify(errors).includes(KEY.toLowerCase()), false, JSON.stringify(errors));
    });

    it('keeps an API token taken from SIGNALWIRE_API_TOKEN out of that error too (the field left empty)', async () => {
      const token = 'envtoken-0123456789abcdef';
      const saved = process.env.SIGNALWIRE_API_TOKEN;
      process.env.SIGNALWIRE_API_TOKEN = token;
      try {
        await load(
          eventsFlow().map((n) => (n.id === 'space' ? { ...n, space: `http://${token}.example.com` } : n)),
          { space: { projectId: PROJECT, apiToken: '', signingKey: KEY } },
          MODULES,
        );
        const errors = loggedErrors('space');
        assert.equal(errors.length, 1);
        assert.equal(JSON.stringify(errors).includes(token), false, JSON.stringify(errors));
      } finally {
        if (saved === undefined) delete process.env.SIGNALWIRE_API_TOKEN;
        else process.env.SIGNALWIRE_API_TOKEN = saved;
      }
    });

    it('speaks the runtime\'s language: German status', async () => {
      await useLanguage('de');
      const n1 = await start({}, NO_KEY);
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'kein Signing Key: alles abgelehnt' });
      assert.equal((await post(callback())).status, 403);
      assert.equal((await lastStatus(n1))?.text, 'kein Signing Key: alles abgelehnt, 1 abgelehnt (kein Signing Key)');
    });
  });

  it('verifies callbacks signed as a plain HMAC over URL and sorted parameters (the documented scheme)', async () => {
    await start();
    const params = callback();
    const data = localUrl() + Object.keys(params).sort().map((k) => k + params[k]).join('');
    const signature = createHmac('sha1', KEY).update(data).digest('base64');
    assert.equal((await request({ headers: { 'Content-Type': FORM, 'X-SignalWire-Signature': signature }, body: new URLSearchParams(params).toString() })).status, 204);
    await next('out');
    await next('changed');
  });
});
