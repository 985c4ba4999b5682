// The example flows in examples/: what Node-RED lists under Import > Examples. Each file must be
// a valid exported flow that uses the nodes' real property names, and must deploy and work on a
// real Node-RED (a child process, this package linked into a temporary user directory) against
// a fake SignalWire space on loopback, configured through the SIGNALWIRE_* environment only.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConferenceSimulator, FakeSpace, computeSignature, type ConferenceSimulatorOptions } from '../simulator';
import {
  CALLBACK_PATH,
  EVENT_LOG_PATH,
  MODERATOR_DASHBOARD_PATH,
  MODERATOR_PATH,
  DASHBOARD_PATH,
  ROOT,
  combineExamples,
  exampleFiles,
  findNode,
  isFlowNode,
  readExample,
  type Example,
  type FlowNode,
} from '../scripts/lib/examples';
import { startNodeRed, type RunningNodeRed } from '../scripts/lib/node-red-process';

const OUR_TYPES = [
  'signalwire-space',
  'signalwire-list-participants',
  'signalwire-get-participant',
  'signalwire-conference-events',
  'signalwire-update-participant',
  'signalwire-update-conference',
  'signalwire-list-conferences',
  'signalwire-get-conference',
  'signalwire-list-recordings',
  'signalwire-update-recording',
  'signalwire-conference-roster',
];
const DASHBOARD_DIR = path.join(ROOT, 'node_modules', '@flowfuse', 'node-red-dashboard');
// CI runs the suite on Node-RED 5 too (NODE_RED_PATH, under that run's node binary).
const NODE_RED_DIR = process.env.NODE_RED_PATH ?? path.dirname(require.resolve('node-red/package.json'));

const files = exampleFiles();
const examples = new Map<string, Example>();
for (const f of files) {
  try {
    examples.set(f, readExample(f));
  } catch {
    // reported by the "parses" test of that file
  }
}

/** The example whose file name starts with this number, e.g. "01". */
function example(num: string): Example {
  const ex = [...examples.values()].find((e) => e.file.startsWith(`${num} - `));
  if (!ex) throw new Error(`no example ${num} in examples/`);
  return ex;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(25);
  }
}

// ---------------------------------------------------------------- static checks

describe('examples/', function () {
  it('holds the example flows, named "NN - Title.json"', function () {
    assert.ok(files.length >= 5, `only ${files.length} example files`);
    for (const f of files) assert.match(f, /^\d\d - [^/\\]+\.json$/);
    for (const num of ['01', '02', '03', '04', '05', '06', '07', '08']) example(num);
  });

  for (const file of files) {
    describe(file, function () {
      it('parses as an exported flow: unique ids, references that resolve, no credentials', function () {
        const ex = readExample(file);
        const ids = new Set<string>();
        for (const n of ex.nodes) {
          assert.ok(!ids.has(n.id), `duplicate id ${n.id}`);
          ids.add(n.id);
          assert.equal(n.credentials, undefined, `${n.type} ${n.id} carries credentials`);
        }
        const flowNodes = ex.nodes.filter(isFlowNode);
        assert.ok(flowNodes.length > 0, 'no node with x/y');
        const zs = new Set(flowNodes.map((n) => n.z));
        assert.equal(zs.size, 1, 'flow nodes of one example belong to one tab');
        for (const n of flowNodes) {
          assert.ok(Array.isArray(n.wires), `${n.type} ${n.id} has no wires`);
          for (const out of n.wires as string[][]) for (const to of out) assert.ok(ids.has(to), `${n.type} ${n.id} is wired to missing ${to}`);
          for (const prop of ['space', 'group', 'page', 'ui', 'theme']) {
            if (typeof n[prop] === 'string' && n[prop] !== '') assert.ok(ids.has(n[prop] as string), `${n.type}.${prop} -> missing ${String(n[prop])}`);
          }
          if (Array.isArray(n.scope)) for (const s of n.scope as string[]) assert.ok(ids.has(s), `catch scope -> missing ${s}`);
        }
      });

      it('has a comment node that explains it', function () {
        const comment = readExample(file).nodes.find((n) => n.type === 'comment');
        assert.ok(comment, 'no comment node');
        assert.ok(typeof comment.info === 'string' && comment.info.length > 200, 'the comment node has no explanation in its info');
        assert.match(comment.info as string, /What to set/);
      });

      it('uses one signalwire-space config node with empty fields (the SIGNALWIRE_* environment)', function () {
        const ex = readExample(file);
        const spaces = ex.nodes.filter((n) => n.type === 'signalwire-space');
        assert.equal(spaces.length, 1);
        assert.equal(spaces[0].space, '');
        assert.equal(isFlowNode(spaces[0]), false);
        assert.equal(spaces[0].z, undefined);
        for (const n of ex.nodes.filter((x) => x.type.startsWith('signalwire-') && x.type !== 'signalwire-space')) {
          assert.equal(n.space, spaces[0].id, `${n.type} ${n.id} does not use the config node`);
        }
        // One id for every example: importing several examples reuses one config node.
        const all = [...examples.values()].flatMap((e) => e.nodes.filter((x) => x.type === 'signalwire-space').map((x) => x.id));
        assert.equal(new Set(all).size, 1, 'examples use different config node ids');
      });

      it("sets this package's nodes with the runtime's property names and valid values", function () {
        const known: Record<string, string[]> = {
          'signalwire-space': ['id', 'type', 'name', 'space', 'timeout', 'retries', 'maxInFlight'],
          'signalwire-list-participants': [
            'id', 'type', 'z', 'name', 'space', 'conferenceSid', 'conferenceSidType', 'muted', 'hold',
            'mode', 'pageSize', 'page', 'pageToken', 'maxPages', 'maxItems', 'callDetails', 'x', 'y', 'wires',
          ],
          'signalwire-conference-events': ['id', 'type', 'z', 'name', 'space', 'url', 'publicUrl', 'verify', 'events', 'coalesce', 'x', 'y', 'wires'],
          'signalwire-get-participant': ['id', 'type', 'z', 'name', 'space', 'conferenceSid', 'conferenceSidType', 'callSid', 'callSidType', 'x', 'y', 'wires'],
          'signalwire-update-participant': [
            'id', 'type', 'z', 'name', 'space', 'conferenceSid', 'conferenceSidType', 'callSid', 'callSidType', 'callSidToCoach', 'callSidToCoachType',
            'action', 'holdUrl', 'announceUrl', 'x', 'y', 'wires',
          ],
          'signalwire-update-recording': ['id', 'type', 'z', 'name', 'space', 'conferenceSid', 'conferenceSidType', 'recordingSid', 'recordingSidType', 'action', 'pauseBehavior', 'x', 'y', 'wires'],
          'signalwire-list-recordings': [
            'id', 'type', 'z', 'name', 'space', 'conferenceSid', 'conferenceSidType', 'dateCreated', 'dateCreatedBefore', 'dateCreatedAfter',
            'mode', 'pageSize', 'page', 'pageToken', 'maxPages', 'maxItems', 'x', 'y', 'wires',
          ],
          'signalwire-update-conference': ['id', 'type', 'z', 'name', 'space', 'conferenceSid', 'conferenceSidType', 'action', 'announceUrl', 'x', 'y', 'wires'],
          'signalwire-get-conference': ['id', 'type', 'z', 'name', 'space', 'conferenceSid', 'conferenceSidType', 'x', 'y', 'wires'],
          'signalwire-conference-roster': ['id', 'type', 'z', 'name', 'space', 'reconcile', 'callDetails', 'throttle', 'timeZone', 'x', 'y', 'wires'],
          'signalwire-list-conferences': [
            'id', 'type', 'z', 'name', 'space', 'friendlyName', 'status', 'dateCreated', 'dateCreatedBefore', 'dateCreatedAfter',
            'dateUpdated', 'dateUpdatedBefore', 'dateUpdatedAfter', 'mode', 'pageSize', 'page', 'pageToken', 'maxPages', 'maxItems', 'x', 'y', 'wires',
          ],
        };
        for (const n of readExample(file).nodes.filter((x) => OUR_TYPES.includes(x.type))) {
          for (const k of Object.keys(n)) assert.ok(known[n.type].includes(k), `${n.type} has unknown property "${k}"`);
          if (n.type === 'signalwire-list-participants') {
            assert.ok(['all', 'page', 'pages'].includes(n.mode as string), `mode ${String(n.mode)}`);
            assert.ok(['msg', 'any', 'true', 'false'].includes(n.muted as string));
            assert.ok(['msg', 'any', 'true', 'false'].includes(n.hold as string));
            assert.match(String(n.pageSize), /^(|[1-9]\d{0,2}|1000)$/);
          }
          if (!['signalwire-space', 'signalwire-conference-events', 'signalwire-list-conferences', 'signalwire-conference-roster'].includes(n.type)) assert.ok(['msg', 'flow', 'global', 'env', 'str'].includes(n.conferenceSidType as string));
        }
      });
    });
  }

  it('01 lists one small page, shows msg.paging, and feeds msg.paging.next back for the next page', function () {
    const nodes = example('01').nodes;
    const list = findNode(nodes, 'signalwire-list-participants');
    assert.equal(list.mode, 'page');
    assert.ok(Number(list.pageSize) >= 1 && Number(list.pageSize) <= 10);
    const injects = nodes.filter((n) => n.type === 'inject');
    assert.ok(injects.length >= 2);
    for (const i of injects) assert.deepEqual((i.props as unknown[])[0], { p: 'conferenceSid', v: 'SIGNALWIRE_CONFERENCE_SID', vt: 'env' });
    assert.ok(nodes.some((n) => n.type === 'debug' && n.complete === 'paging'));
    const rules = nodes.filter((n) => n.type === 'change').flatMap((n) => n.rules as Array<Record<string, string>>);
    for (const p of ['page', 'pageSize', 'pageToken']) {
      assert.ok(rules.some((r) => r.p === p && r.to === `paging.next.${p}`), `no rule maps msg.paging.next.${p} to msg.${p}`);
    }
  });

  it('02 catches get participant errors and switches on msg.statusCode 404 / 401 / 403', function () {
    const nodes = example('02').nodes;
    const get = findNode(nodes, 'signalwire-get-participant');
    const c = findNode(nodes, 'catch');
    assert.deepEqual(c.scope, [get.id]);
    const sw = findNode(nodes, 'switch');
    assert.equal(sw.property, 'statusCode');
    const values = (sw.rules as Array<Record<string, string>>).map((r) => r.v);
    for (const v of ['404', '401', '403']) assert.ok(values.includes(v));
    const wires = sw.wires as string[][];
    assert.notDeepEqual(wires[0], wires[1], '404 and 401 go to the same place');
  });

  it('03 is events -> roster -> one conference -> table: at most 4 flow nodes, no function node; the table picks caller, state and joined from the rows', function () {
    const nodes = example('03').nodes;
    const flowNodes = nodes.filter((n) => isFlowNode(n) && n.type !== 'comment');
    assert.deepEqual(flowNodes.map((n) => n.type), ['signalwire-conference-events', 'signalwire-conference-roster', 'switch', 'ui-table']);
    const [events, roster, one, table] = flowNodes;
    assert.equal(events.url, CALLBACK_PATH);
    assert.equal(events.verify, true);
    assert.deepEqual(events.wires, [[roster.id], []], 'output 1 (each event) feeds the roster');
    assert.deepEqual(roster.wires, [[one.id], []]);
    assert.equal(roster.callDetails, true);
    assert.equal(roster.reconcile, 30);
    assert.deepEqual([one.property, one.rules], ['conference.friendlyName', [{ t: 'eq', v: 'demo-conference', vt: 'str' }]]);
    assert.deepEqual(one.wires, [[table.id]]);
    assert.deepEqual((table.columns as Array<Record<string, string>>).map((c) => [c.key, c.keyType, c.type]), [['caller', 'key', 'text'], ['state', 'key', 'text'], ['joined', 'key', 'text']]);
    assert.equal(table.action, 'replace');
    assert.equal(findNode(nodes, 'ui-page').path, DASHBOARD_PATH.replace(/^\/dashboard/, ''));
    assert.match(findNode(nodes, 'comment').info as string, /@flowfuse\/node-red-dashboard/);
  });

  it('05 logs output 1 of an events node on its own path, beside 03', function () {
    const nodes = example('05').nodes;
    const events = findNode(nodes, 'signalwire-conference-events');
    assert.equal(events.url, EVENT_LOG_PATH);
    assert.notEqual(events.url, findNode(example('03').nodes, 'signalwire-conference-events').url);
    const debug = findNode(nodes, 'debug');
    assert.deepEqual((events.wires as string[][])[0], [debug.id]);
    assert.equal(debug.complete, 'payload');
  });

  it('06 is a moderator console on the roster: a picker fed by output 2, a button per row, the writes\' answers wired back into the roster, the recording, an end button behind a confirmation', function () {
    const nodes = example('06').nodes;
    const events = findNode(nodes, 'signalwire-conference-events');
    assert.equal(events.url, MODERATOR_PATH);
    const roster = findNode(nodes, 'signalwire-conference-roster');
    assert.deepEqual(events.wires, [[roster.id], []]);
    const chosen = findNode(nodes, 'function', 'the chosen conference');
    assert.deepEqual(roster.wires, [[chosen.id], [chosen.id]], 'both outputs: the rows and the live conferences');
    const picker = findNode(nodes, 'ui-dropdown');
    const table = findNode(nodes, 'ui-table');
    const recordingText = findNode(nodes, 'ui-text');
    const recordingButton = findNode(nodes, 'ui-button', 'pause / resume recording');
    const endButton = findNode(nodes, 'ui-button', 'end conference');
    assert.deepEqual(chosen.wires, [[table.id], [picker.id], [recordingText.id], [recordingButton.id], [endButton.id]]);
    assert.deepEqual(picker.wires, [[chosen.id]]);
    assert.deepEqual([picker.topic, picker.topicType], ['choose', 'str']);
    const buttons = (table.columns as Array<Record<string, string>>).filter((c) => c.type === 'button').map((c) => c.key);
    assert.deepEqual(buttons, ['mute', 'hold', 'coach', 'remove']);
    assert.deepEqual((table.columns as Array<Record<string, string>>).filter((c) => c.type === 'text').map((c) => c.key), ['caller', 'state', 'joined']);
    const update = findNode(nodes, 'signalwire-update-participant');
    assert.equal(update.action, 'msg');
    assert.deepEqual([update.callSidToCoach, update.callSidToCoachType], ['callSidToCoach', 'msg']);
    const result = findNode(nodes, 'function', 'result for the moderator');
    assert.deepEqual(update.wires, [[roster.id, result.id]], "update participant's answer goes back into the roster");
    const recording = findNode(nodes, 'signalwire-update-recording');
    assert.deepEqual([recording.action, recording.recordingSidType], ['msg', 'msg'], 'the action from msg, the current recording');
    assert.deepEqual(recording.wires, [[roster.id, result.id]], "update recording's answer goes back into the roster");
    const end = findNode(nodes, 'signalwire-update-conference');
    assert.deepEqual([end.action, end.conferenceSidType], ['end', 'msg']);
    assert.deepEqual(end.wires, [[result.id, roster.id]], "update conference's answer goes back into the roster");
    const confirm = nodes.find((n) => n.type === 'ui-notification' && n.allowConfirm === true);
    assert.ok(confirm, 'no confirmation before ending the conference');
    const catcher = findNode(nodes, 'catch');
    assert.deepEqual((catcher.scope as string[]).sort(), [update.id, recording.id, end.id].sort(), 'every action error is shown');
    assert.equal(findNode(nodes, 'ui-page').path, MODERATOR_DASHBOARD_PATH.replace(/^\/dashboard/, ''));
    // Glue only where Dashboard 2.0 needs it: three small function nodes.
    const functions = nodes.filter((n) => n.type === 'function');
    assert.deepEqual(functions.map((n) => n.name).sort(), ['action from the click', 'result for the moderator', 'the chosen conference']);
    for (const f of functions) assert.ok((f.func as string).split('\n').length <= 45, `${String(f.name)}: ${(f.func as string).split('\n').length} lines`);
  });

  it('07 finds the in-progress conference by its friendly name and lists its participants', function () {
    const nodes = example('07').nodes;
    const find = findNode(nodes, 'signalwire-list-conferences');
    assert.equal(find.status, 'in-progress');
    const inject = findNode(nodes, 'inject');
    assert.deepEqual((inject.props as unknown[])[0], { p: 'friendlyName', v: 'demo-conference', vt: 'str' });
    assert.ok(findNode(nodes, 'signalwire-list-participants'));
  });

  it('08 pauses with skip and resumes the current recording from two injects, catches "no recording in progress" (404), and lists what was recorded', function () {
    const nodes = example('08').nodes;
    const update = findNode(nodes, 'signalwire-update-recording');
    assert.equal(update.action, 'msg');
    assert.equal(update.pauseBehavior, 'skip');
    assert.equal(update.recordingSidType, 'msg', 'no fixed recording: the current one');
    const list = findNode(nodes, 'signalwire-list-recordings');
    assert.deepEqual([list.conferenceSid, list.conferenceSidType, list.mode], ['conferenceSid', 'msg', 'all']);
    assert.deepEqual(findNode(nodes, 'inject', 'what was recorded').wires, [[list.id]]);
    assert.deepEqual(list.wires, [[findNode(nodes, 'debug', 'recordings').id]]);
    const injects = nodes.filter((n) => n.type === 'inject' && n.name !== 'what was recorded');
    assert.deepEqual(injects.map((i) => (i.props as Array<Record<string, string>>).find((p) => p.p === 'action')?.v), ['pause', 'resume']);
    for (const i of injects) {
      assert.deepEqual((i.props as unknown[])[0], { p: 'conferenceSid', v: 'SIGNALWIRE_CONFERENCE_SID', vt: 'env' });
      assert.deepEqual(i.wires, [[update.id]]);
    }
    const catcher = findNode(nodes, 'catch');
    assert.deepEqual(catcher.scope, [update.id]);
    const sw = findNode(nodes, 'switch');
    assert.equal(sw.property, 'statusCode');
    assert.deepEqual((sw.rules as Array<Record<string, string>>)[0], { t: 'eq', v: '404', vt: 'num' });
    assert.deepEqual((sw.wires as string[][])[0], [findNode(nodes, 'debug', 'no recording in progress').id]);
  });

  it('04 reads page per message and joins them in automatic mode', function () {
    const nodes = example('04').nodes;
    assert.equal(findNode(nodes, 'signalwire-list-participants').mode, 'pages');
    assert.equal(findNode(nodes, 'join').mode, 'auto');
  });
});

// ---------------------------------------------------------------- on a real Node-RED

interface DebugMessage {
  id: string;
  name: string;
  msg: string;
  format: string;
}

interface MinimalWebSocket {
  on(event: 'message', cb: (data: Buffer) => void): void;
  on(event: 'open' | 'close', cb: () => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  send(data: string): void;
  close(): void;
}

/** The editor's debug sidebar, read from Node-RED's /comms websocket. */
class DebugSidebar {
  readonly messages: DebugMessage[] = [];
  private constructor(private readonly ws: MinimalWebSocket) {}

  static open(url: string): Promise<DebugSidebar> {
    // ws is Node-RED's own dependency (Node 20 has no WebSocket client).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const WebSocket = require(require.resolve('ws', { paths: [NODE_RED_DIR] })) as new (u: string) => MinimalWebSocket;
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/comms');
    const tap = new DebugSidebar(ws);
    ws.on('message', (data) => {
      try {
        for (const m of JSON.parse(String(data)) as Array<{ topic: string; data: DebugMessage }>) {
          if (m.topic === 'debug') tap.messages.push(m.data);
        }
      } catch {
        // heartbeats and others
      }
    });
    return new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => {
        ws.send(JSON.stringify({ subscribe: 'debug' }));
        // The subscription is registered asynchronously.
        setTimeout(() => resolve(tap), 100);
      });
    });
  }

  clear(): void {
    this.messages.length = 0;
  }

  waitFor(name: string, timeoutMs = 5000): Promise<DebugMessage> {
    return until(`a debug message from "${name}" (got: ${JSON.stringify(this.messages.map((m) => m.name))})`, () => this.messages.find((m) => m.name === name), timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}

describe('examples/ deployed on a real Node-RED, against a fake SignalWire space', function () {
  this.timeout(30_000);
  const signingKey = `PSK_${randomBytes(8).toString('hex')}`;
  let space: FakeSpace;
  let conferenceSid: string;
  let nodeRed: RunningNodeRed;
  let userDir: string;
  let sidebar: DebugSidebar;
  let registered: Record<string, string> = {}; // node type -> module
  let deployed: FlowNode[] = [];

  before(async function () {
    space = new FakeSpace();
    await space.start();
    conferenceSid = space.addConference();
    space.addParticipants(conferenceSid, 5);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-examples-'));
    const modules = path.join(userDir, 'node_modules');
    fs.mkdirSync(path.join(modules, '@flowfuse'), { recursive: true });
    fs.symlinkSync(ROOT, path.join(modules, 'node-red-contrib-signalwire'), 'dir');
    // Found next to node-red itself too, but not next to NODE_RED_PATH's Node-RED.
    fs.symlinkSync(DASHBOARD_DIR, path.join(modules, '@flowfuse', 'node-red-dashboard'), 'dir');
    nodeRed = await startNodeRed({
      userDir,
      flows: [],
      redJs: path.join(NODE_RED_DIR, 'red.js'),
      startTimeoutMs: 25_000,
      env: {
        SIGNALWIRE_SPACE: space.url,
        SIGNALWIRE_SPACE_URL: '',
        SIGNALWIRE_PROJECT_ID: space.projectId,
        SIGNALWIRE_API_TOKEN: space.apiToken,
        SIGNALWIRE_CONFERENCE_SID: conferenceSid,
        SIGNALWIRE_SIGNING_KEY: signingKey,
        SIGNALWIRE_CALLBACK_URL: '',
      },
    });
    sidebar = await DebugSidebar.open(nodeRed.url);
    if (process.env.EXPECT_NODE_RED_MAJOR) {
      const settings = (await (await fetch(`${nodeRed.url}/settings`)).json()) as { version: string };
      assert.equal(settings.version.split('.')[0], process.env.EXPECT_NODE_RED_MAJOR, `Node-RED ${settings.version}`);
    }
    const res = await fetch(`${nodeRed.url}/nodes`, { headers: { Accept: 'application/json' } });
    assert.equal(res.status, 200);
    for (const set of (await res.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>) {
      if (set.enabled && !set.err) for (const t of set.types) registered[t] = set.module;
    }
  });

  after(async function () {
    sidebar?.close();
    await nodeRed?.stop();
    await space?.close();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  beforeEach(function () {
    sidebar?.clear();
  });

  // The simulators a test started: their conferences end after it, so no later test finds them in progress.
  const sims: ConferenceSimulator[] = [];
  afterEach(async function () {
    for (const sim of sims.splice(0)) await sim.end().catch(() => sim.stop());
  });

  /** A ConferenceSimulator POSTing signed callbacks to an events node's path; changes only through act() and the API. */
  async function simulate(callbackPath: string, opts: Partial<ConferenceSimulatorOptions> = {}): Promise<ConferenceSimulator> {
    const sim = new ConferenceSimulator({ space, callbackUrl: nodeRed.url + callbackPath, signingKey, intervalMs: 3_600_000, ...opts });
    sims.push(sim);
    await sim.start();
    assert.equal(sim.callbackFailures, 0, `callbacks answered: ${String(sim.lastCallbackError)}`);
    return sim;
  }

  /** What a dashboard widget shows a browser that opens the page: its last message (Dashboard 2.0's datastore). */
  async function shown<T = Record<string, unknown>>(widgetId: string): Promise<T> {
    const res = await fetch(`${nodeRed.url}/dashboard/_debug/datastore/${widgetId}`);
    return ((await res.json().catch(() => ({}))) ?? {}) as T;
  }

  /** A widget's dynamic properties (a button's label, enabled...): Dashboard 2.0's statestore. */
  async function widgetState(widgetId: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${nodeRed.url}/dashboard/_debug/statestore/${widgetId}`);
    return ((await res.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
  }

  interface Row {
    callSid: string;
    conferenceSid: string;
    caller: string;
    state: string;
    joined: string;
    [button: string]: unknown;
  }

  /** The rows a table shows, once `ready` holds for them. */
  function rowsWhen(tableId: string, what: string, ready: (rows: Row[]) => boolean, timeoutMs = 5000): Promise<Row[]> {
    let last: unknown;
    const end = Date.now() + timeoutMs;
    return (async () => {
      for (;;) {
        const body = await shown<{ payload?: Row[] }>(tableId);
        last = body.payload;
        if (Array.isArray(body.payload) && ready(body.payload)) return body.payload;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the table has ${JSON.stringify(last)?.slice(0, 400)}`);
        await delay(50);
      }
    })();
  }

  const sameSids = (rows: Row[], sids: string[]): boolean => rows.length === sids.length && sids.every((sid) => rows.some((r) => r.callSid === sid));

  /** Replaces all flows (a full deploy) and waits until they have started; returns what was deployed. */
  async function deploy(list: Example[]): Promise<{ flows: FlowNode[]; output: string }> {
    const flows = combineExamples(list);
    const before = nodeRed.output().length;
    const res = await fetch(`${nodeRed.url}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' },
      body: JSON.stringify(flows),
    });
    assert.ok(res.status === 200 || res.status === 204, `POST /flows answered ${res.status}: ${await res.text()}`);
    await until('"Started flows" after the deploy', () => /Started flows|missing/.test(nodeRed.output().slice(before)), 10_000);
    await delay(200); // anything the flows log at once
    deployed = flows;
    return { flows, output: nodeRed.output().slice(before) };
  }

  function node(type: string, name?: string): FlowNode {
    return findNode(deployed, type, name);
  }

  async function inject(name: string): Promise<void> {
    const res = await fetch(`${nodeRed.url}/inject/${node('inject', name).id}`, { method: 'POST' });
    assert.equal(res.status, 200, `POST /inject for "${name}" answered ${res.status}`);
  }

  function listRequests(conf: string, since = 0): Array<{ query: Record<string, string>; at: number }> {
    return space.requests.filter((r) => r.method === 'GET' && r.at >= since && r.path.endsWith(`/Conferences/${conf}/Participants`));
  }

  function callback(params: Record<string, string>, signature?: string): Promise<Response> {
    const url = nodeRed.url + CALLBACK_PATH;
    return fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-SignalWire-Signature': signature ?? computeSignature(url, params, signingKey),
      },
      body: new URLSearchParams(params).toString(),
    });
  }

  function callbackParams(conf: string, event: string, callSid: string = randomUUID()): Record<string, string> {
    return {
      AccountSid: space.projectId,
      ConferenceSid: conf,
      FriendlyName: 'test',
      StatusCallbackEvent: event,
      CallSid: callSid,
      Muted: 'false',
      Hold: 'false',
      Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
    };
  }

  for (const file of files) {
    it(`${file}: deploys with no missing types and no errors; GET /flows has its nodes`, async function () {
      const ex = examples.get(file);
      assert.ok(ex, `${file} does not parse`);
      for (const n of ex.nodes) {
        if (['tab', 'group', 'junction'].includes(n.type)) continue;
        const module = registered[n.type];
        assert.ok(module, `node type "${n.type}" is not registered in Node-RED`);
        assert.ok(
          module === 'node-red' || module === '@node-red/nodes' || module === 'node-red-contrib-signalwire' || module === '@flowfuse/node-red-dashboard',
          `node type "${n.type}" comes from ${module}`,
        );
      }
      const { flows, output } = await deploy([ex]);
      assert.doesNotMatch(output, /missing (node )?types/i);
      assert.doesNotMatch(output, /\[error\]/);
      assert.doesNotMatch(output, /\[warn\]/);
      const res = await fetch(`${nodeRed.url}/flows`, { headers: { 'Node-RED-API-Version': 'v1' } });
      const got = (await res.json()) as FlowNode[];
      assert.deepEqual(got.map((n) => n.id).sort(), flows.map((n) => n.id).sort());
      assert.equal(flows.filter((n) => n.type === 'tab').length, 1);
    });
  }

  it('01: "first page" asks for a page of 2; "next page" follows msg.paging.next (page token)', async function () {
    await deploy([example('01')]);
    const t0 = Date.now();
    await inject('first page');
    const first = await until('the first list request', () => listRequests(conferenceSid, t0)[0]);
    assert.deepEqual(first.query, { PageSize: '2' });
    const paging = JSON.parse((await sidebar.waitFor('msg.paging')).msg) as { page: number; next: { pageToken: string } | null };
    assert.equal(paging.page, 0);
    assert.ok(paging.next, 'a conference of 5 has a next page');
    const participants = JSON.parse((await sidebar.waitFor('participants of this page')).msg) as unknown[];
    assert.equal(participants.length, 2);

    sidebar.clear();
    const t1 = Date.now();
    await inject('next page');
    const second = await until('the next-page list request', () => listRequests(conferenceSid, t1)[0]);
    assert.deepEqual(second.query, { Page: '1', PageSize: '2', PageToken: paging.next.pageToken });
    const paging2 = JSON.parse((await sidebar.waitFor('msg.paging')).msg) as { page: number };
    assert.equal(paging2.page, 1);

    // The last page has no next: "next page" then says so, without a request.
    sidebar.clear();
    await inject('next page');
    await sidebar.waitFor('msg.paging');
    sidebar.clear();
    const t2 = Date.now();
    await inject('next page');
    await sidebar.waitFor('no next page');
    assert.equal(listRequests(conferenceSid, t2).length, 0);
  });

  it('02: gets the first participant; a participant who left reaches the 404 debug, a 401 the credentials debug', async function () {
    await deploy([example('02')]);
    await inject('a participant in the conference');
    const participant = JSON.parse((await sidebar.waitFor('participant')).msg) as { call_sid: string; conference_sid: string };
    assert.equal(participant.call_sid, space.participants(conferenceSid)[0].call_sid);
    assert.equal(participant.conference_sid, conferenceSid);

    await inject('a participant who has left');
    const left = await sidebar.waitFor('404 participant left');
    assert.match(left.msg, /^404: participant 00000000-0000-4000-8000-000000000000 is no longer/);

    space.injectFaults({ kind: 'status', status: 401 });
    await inject('a participant who has left');
    const creds = await sidebar.waitFor('401/403 credentials');
    assert.match(creds.msg, /^401: check the Project ID and the API token/);
    assert.equal(sidebar.messages.filter((m) => m.name === '404 participant left').length, 1);
    assert.equal(sidebar.messages.filter((m) => m.name === 'other error').length, 0);
  });

  it('03: the table follows demo-conference from its signed callbacks (a join, a mute, speech, a leave) with no API request per event; another conference stays out; ended, it empties, and the next demo-conference fills it', async function () {
    await deploy([example('03')]);
    const table = node('ui-table').id;
    const sim = await simulate(CALLBACK_PATH, { friendlyNames: ['demo-conference', 'other-room'] });
    const [demo, other] = sim.conferences.map((c) => c.sid);
    const inDemo = (): string[] => space.participants(demo).map((p) => p.call_sid);
    const rows = await rowsWhen(table, 'the three callers of demo-conference', (r) => sameSids(r, inDemo()));
    for (const row of rows) {
      assert.equal(row.caller, space.call(row.callSid)!.from, 'the caller by number (the join callback names it)');
      assert.equal(row.state, 'live');
      assert.match(row.joined, /^\d{1,2}:\d{2}\s?[AP]M \S+$/, 'the time of day with its zone');
    }
    const t0 = Date.now();
    const join = await sim.act({ kind: 'join' });
    await rowsWhen(table, 'the caller who joined', (r) => sameSids(r, inDemo()));
    const [first, second] = inDemo();
    await sim.act({ kind: 'mute', callSid: first });
    await rowsWhen(table, '"muted"', (r) => r.find((x) => x.callSid === first)?.state === 'muted');
    await sim.act({ kind: 'speech-start', callSid: second });
    await rowsWhen(table, '"speaking"', (r) => r.find((x) => x.callSid === second)?.state === 'speaking');
    await sim.act({ kind: 'leave', callSid: join.callSid! });
    await rowsWhen(table, 'the caller who left gone', (r) => sameSids(r, inDemo()) && !r.some((x) => x.callSid === join.callSid));
    assert.deepEqual(listRequests(demo, t0), [], 'no participant listing: the roster follows the events');
    assert.ok(space.participants(other).length > 0);
    assert.ok(!(await shown<{ payload: Row[] }>(table)).payload.some((r) => r.conferenceSid === other), 'only demo-conference');

    // Ended through the API: its callbacks empty the table; the next caller starts a new demo-conference.
    assert.equal((await fetch(`${space.url}/api/laml/2010-04-01/Accounts/${space.projectId}/Conferences/${demo}`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(`${space.projectId}:${space.apiToken}`).toString('base64'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Status=completed',
    })).status, 200);
    await rowsWhen(table, 'an empty table', (r) => r.length === 0);
    const next = await sim.act({ kind: 'join', friendlyName: 'demo-conference' });
    assert.notEqual(next.conferenceSid, demo);
    await rowsWhen(table, 'the new demo-conference', (r) => r.length === 1 && r[0].callSid === next.callSid && r[0].conferenceSid === next.conferenceSid);
  });

  it('03: at deploy the sweep fills the table with a demo-conference in progress; a callback with a wrong signature is refused (403) and changes nothing', async function () {
    const demo = space.addConference(undefined, { friendly_name: 'demo-conference' });
    space.addParticipants(demo, 2);
    try {
      await deploy([example('03')]);
      const table = node('ui-table').id;
      const sids = space.participants(demo).map((p) => p.call_sid);
      const rows = await rowsWhen(table, 'the sweep\'s rows', (r) => sameSids(r, sids));
      await rowsWhen(table, 'the callers\' numbers (call details)', (r) => r.every((x) => /^\+1\d{10}$/.test(x.caller)));
      const forged = callbackParams(demo, 'participant-join');
      forged.FriendlyName = 'demo-conference';
      const res = await callback(forged, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
      assert.equal(res.status, 403);
      const signed = await callback({ ...forged, CallSid: sids[0], StatusCallbackEvent: 'participant-mute', Muted: 'true' });
      assert.equal(signed.status, 204);
      const after = await rowsWhen(table, 'the signed mute', (r) => r.find((x) => x.callSid === sids[0])?.state === 'muted');
      assert.equal(after.length, rows.length, 'the forged join added no one');
      assert.ok(!after.some((x) => x.callSid === forged.CallSid));
    } finally {
      space.endConference(demo);
    }
  });

  it('04: reads page per message and the join rebuilds the whole list (2505 participants: 3 pages)', async function () {
    await deploy([example('04')]);
    space.addParticipants(conferenceSid, 2500);
    const total = space.participantCount(conferenceSid);
    const t0 = Date.now();
    await inject('whole conference');
    const count = await sidebar.waitFor('participant count', 10_000);
    assert.equal(count.msg, `${total} participants in conference ${conferenceSid}`);
    const reqs = listRequests(conferenceSid, t0);
    assert.equal(reqs.length, 3);
    assert.equal(reqs[0].query.PageSize, '1000');
    assert.equal(sidebar.messages.filter((m) => m.name === 'each page').length, 3);

    sidebar.clear();
    for (const p of space.participants(conferenceSid).slice(5)) space.removeParticipant(conferenceSid, p.call_sid);
    await inject('small pages (2 per page)');
    assert.equal((await sidebar.waitFor('participant count')).msg, `5 participants in conference ${conferenceSid}`);
    assert.equal(sidebar.messages.filter((m) => m.name === 'each page').length, 3);
  });

  describe('06, the moderator console', function () {
    // What a browser sends (a table button's click, a choice in the picker, the recording button)
    // comes in through http in nodes added for the test, wired where the widgets are.
    const CLICK = '/test/moderator/click';
    const CHOOSE = '/test/moderator/choose';
    const RECORDING = '/test/moderator/recording';
    const CONFIRMED = '/test/moderator/confirmed';
    let table: string;
    let picker: string;

    async function deployConsole(): Promise<void> {
      const ex = example('06');
      const z = (ex.nodes.find((n) => n.z) as FlowNode).z as string;
      const into = (type: string, name: string): string => findNode(ex.nodes, type, name).id;
      const test = (n: number, url: string, rules: unknown[], to: string): FlowNode[] => [
        { id: `7e57${n}00000000000a`, type: 'http in', z, name: url, url, method: 'post', upload: false, swaggerDoc: '', x: 100, y: 700 + 60 * n, wires: [[`7e57${n}00000000000b`, `7e57${n}00000000000c`]] },
        { id: `7e57${n}00000000000b`, type: 'change', z, name: '', rules, action: '', property: '', from: '', to: '', reg: false, x: 300, y: 700 + 60 * n, wires: [[to]] },
        { id: `7e57${n}00000000000c`, type: 'http response', z, name: '', statusCode: '204', headers: {}, x: 300, y: 720 + 60 * n, wires: [] },
      ];
      const nodes = [
        ...ex.nodes,
        ...test(1, CLICK, [{ t: 'set', p: 'column', pt: 'msg', to: 'payload.column', tot: 'msg' }, { t: 'set', p: 'payload', pt: 'msg', to: 'payload.row', tot: 'msg' }], into('function', 'action from the click')),
        ...test(2, CHOOSE, [{ t: 'set', p: 'topic', pt: 'msg', to: 'choose', tot: 'str' }, { t: 'set', p: 'payload', pt: 'msg', to: 'payload.sid', tot: 'msg' }], into('function', 'the chosen conference')),
        ...test(3, RECORDING, [{ t: 'set', p: 'topic', pt: 'msg', to: 'recording', tot: 'str' }], into('change', "the chosen conference's recording")),
        // "End it" in the confirmation: the question's message (what "the conference to end" set) comes back with payload confirm_clicked
        ...test(4, CONFIRMED, [
          { t: 'set', p: 'conferenceSid', pt: 'msg', to: 'payload.conferenceSid', tot: 'msg' },
          { t: 'set', p: 'subject', pt: 'msg', to: 'payload.subject', tot: 'msg' },
          { t: 'set', p: 'action', pt: 'msg', to: 'end', tot: 'str' },
          { t: 'set', p: 'payload', pt: 'msg', to: 'confirm_clicked', tot: 'str' },
        ], into('switch', 'confirmed?')),
      ];
      await deploy([{ ...ex, nodes }]);
      table = node('ui-table').id;
      picker = node('ui-dropdown').id;
    }

    /** The console deployed, a simulator's conference in it, chosen and shown. */
    async function consoleShowing(opts: Partial<ConferenceSimulatorOptions> = {}): Promise<{ sim: ConferenceSimulator; demo: string; rows: Row[] }> {
      await deployConsole();
      const sim = await simulate(MODERATOR_PATH, opts);
      const demo = sim.conferenceSid;
      await choose(demo);
      const rows = await rowsWhen(table, 'the rows', (r) => sameSids(r, space.participants(demo).map((p) => p.call_sid)));
      return { sim, demo, rows };
    }

    async function send(url: string, body: unknown): Promise<void> {
      const res = await fetch(nodeRed.url + url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 204);
    }
    /** A click on a button of the table, as Dashboard 2.0 sends it: the row as shown, the column's key. */
    const click = (row: Row, column: string): Promise<void> => send(CLICK, { row, column });
    const choose = (sid: string): Promise<void> => send(CHOOSE, { sid });
    const notified = async (what: RegExp): Promise<string> =>
      until(`a notification ${String(what)}`, async () => {
        const text = (await shown<{ payload?: string }>(node('ui-notification', 'result').id)).payload;
        return typeof text === 'string' && what.test(text) ? text : undefined;
      }, 5000);
    const writes = (since: number): Array<[string, string, Record<string, string> | undefined]> =>
      space.requests.filter((r) => r.at >= since && r.method !== 'GET').map((r) => [r.method, r.path.replace(/^.*\/Accounts\/[^/]+/, ''), r.form]);

    it('the picker lists the live conferences with their head counts; choosing one shows its rows at once, with a button per row', async function () {
      await deployConsole();
      const sim = await simulate(MODERATOR_PATH, { friendlyNames: ['demo-conference', 'sales-standup'] });
      const [demo, sales] = sim.conferences.map((c) => c.sid);
      const options = await until('both conferences in the picker', async () => {
        const o = (await shown<{ options?: Array<{ value: string; label: string }> }>(picker)).options;
        return o?.some((x) => x.value === demo) && o.some((x) => x.value === sales) ? o : undefined;
      });
      assert.deepEqual(options.filter((o) => o.value === demo || o.value === sales).map((o) => o.label), ['demo-conference (3 on the call)', 'sales-standup (3 on the call)']);
      for (const [sid, name] of [[sales, 'sales'], [demo, 'demo']] as const) {
        await choose(sid);
        const t0 = Date.now();
        const rows = await rowsWhen(table, `the rows of ${name}`, (r) => sameSids(r, space.participants(sid).map((p) => p.call_sid)));
        assert.deepEqual(listRequests(sid, t0), [], 'shown from the roster, no request');
        const [host, other] = rows;
        assert.deepEqual([host.mute, host.hold, host.coach, host.remove], ['mute', 'hold', '—', 'remove'], 'the first row coaches no one');
        assert.deepEqual([other.mute, other.hold, other.coach, other.remove, other.coachTo], ['mute', 'hold', 'coach', 'remove', host.callSid]);
      }
    });

    it("a click on mute shows 'muted' from update participant's answer, wired back into the roster, even when the mute's callback never comes; a second click unmutes", async function () {
      const { sim, demo, rows } = await consoleShowing();
      sim.planDelivery({ lost: true }); // the participant-mute the write is followed by
      const t0 = Date.now();
      await click(rows[1], 'mute');
      const muted = await rowsWhen(table, '"muted" and an unmute button', (r) => r[1]?.state === 'muted' && r[1].mute === 'unmute');
      assert.deepEqual(writes(t0), [['POST', `/Conferences/${demo}/Participants/${rows[1].callSid}`, { Muted: 'true' }]]);
      assert.equal(sim.lostCallbacks, 1, 'the callback was lost: the answer made the change show');
      await notified(new RegExp(`^\\${rows[1].caller} muted$`));
      await click(muted[1], 'mute');
      await rowsWhen(table, '"live" again', (r) => r[1]?.state === 'live' && r[1].mute === 'mute');
      assert.equal(space.participant(demo, rows[1].callSid)!.muted, false);
    });

    it('coach: a row\'s participant is heard by the first one only (no callback tells it: the answer shows it); stop coaching; the first row\'s button (—) does nothing', async function () {
      const { demo, rows: [host, , supervisor] } = await consoleShowing();
      const t0 = Date.now();
      await click(supervisor, 'coach');
      const coaching = await rowsWhen(table, '"coaching"', (r) => r[2]?.state === 'coaching' && r[2].coach === 'stop coaching');
      assert.deepEqual(writes(t0), [['POST', `/Conferences/${demo}/Participants/${supervisor.callSid}`, { Coaching: 'true', CallSidToCoach: host.callSid }]]);
      assert.equal(space.participant(demo, supervisor.callSid)!.call_sid_to_coach, host.callSid);
      await notified(new RegExp(`^\\${supervisor.caller} is coaching \\${host.caller}: heard by them only$`));
      const t1 = Date.now();
      await click(coaching[2], 'coach');
      await rowsWhen(table, '"live" again', (r) => r[2]?.state === 'live' && r[2].coach === 'coach');
      assert.deepEqual(writes(t1), [['POST', `/Conferences/${demo}/Participants/${supervisor.callSid}`, { Coaching: 'false' }]]);
      const t2 = Date.now();
      await click(host, 'coach');
      await click(host, 'hold'); // after it: when hold is sent, the coach click has been dealt with
      await until('the hold', () => writes(t2).length > 0);
      assert.deepEqual(writes(t2), [['POST', `/Conferences/${demo}/Participants/${host.callSid}`, { Hold: 'true' }]]);
    });

    it('remove: the row goes at once; a second remove says the participant had already left', async function () {
      const { sim, rows } = await consoleShowing();
      sim.planDelivery({ lost: true }); // its participant-leave
      await click(rows[2], 'remove');
      await rowsWhen(table, 'the row gone', (r) => r.length === 2 && !r.some((x) => x.callSid === rows[2].callSid));
      await notified(new RegExp(`^\\${rows[2].caller} removed$`));
      await click(rows[2], 'remove');
      await notified(/^remove failed for \+1\d{10}: SignalWire 404: the participant had already left the conference \(or was never in it\)$/);
    });

    it("the recording: in progress (the roster's state from its callback); the button pauses the current recording, the answer shows paused and Resume; a second click resumes", async function () {
      const { sim, demo } = await consoleShowing({ record: true });
      const recording = sim.recordingSid(demo)!;
      const text = node('ui-text', 'recording').id;
      const button = node('ui-button', 'pause / resume recording').id;
      const showsRecording = async (status: string, label: string): Promise<boolean> =>
        (await shown<{ payload?: string }>(text)).payload === status && ((await widgetState(button)).label as string | undefined) === label;
      await until('"in progress" and "Pause recording"', () => showsRecording('in progress', 'Pause recording'));
      const t0 = Date.now();
      await send(RECORDING, {});
      await notified(/^the recording of demo-conference paused$/);
      await until('"paused" and "Resume recording"', () => showsRecording('paused', 'Resume recording'));
      assert.deepEqual(writes(t0), [['POST', `/Conferences/${demo}/Recordings/${recording}`, { Status: 'paused', PauseBehavior: 'silence' }]]);
      assert.equal(space.recording(demo, recording)!.status, 'paused');
      const t1 = Date.now();
      await send(RECORDING, {});
      await notified(/^the recording of demo-conference resumed$/);
      await until('"in progress" and "Pause recording" again', () => showsRecording('in progress', 'Pause recording'));
      assert.deepEqual(writes(t1), [['POST', `/Conferences/${demo}/Recordings/${recording}`, { Status: 'in-progress' }]]);
    });


    it("End conference, confirmed: the conference ends, and update conference's answer drops it from the roster even when its conference-end callback is lost, with no sweep; it stays ended", async function () {
      const { sim, demo, rows } = await consoleShowing({ friendlyNames: ['demo-conference', 'sales-standup'] });
      const sales = sim.conferences[1].sid;
      sim.planDelivery(...rows.map(() => ({})), { lost: true }); // the leaves, then conference-end: lost
      const t0 = Date.now();
      await send(CONFIRMED, { conferenceSid: demo, subject: 'demo-conference' });
      await notified(/^demo-conference ended$/);
      assert.deepEqual(writes(t0), [['POST', `/Conferences/${demo}`, { Status: 'completed' }]]);
      await rowsWhen(table, 'an empty table', (r) => r.length === 0);
      const options = await until('the picker without demo-conference', async () => {
        const o = (await shown<{ options?: Array<{ value: string }> }>(picker)).options;
        return o && !o.some((x) => x.value === demo) ? o : undefined;
      });
      assert.ok(options.some((o) => o.value === sales));
      assert.equal(sim.lostCallbacks, 1);
      assert.ok(!space.requests.some((r) => r.at >= t0 && r.method === 'GET'), 'no sweep or lookup was needed');
    });
  });

  it('07: finds the in-progress conference by its name and lists its participants', async function () {
    await deploy([example('07')]);
    const conf = space.addConference(undefined, { friendly_name: 'demo-conference' });
    space.addParticipants(conf, 3);
    await inject('demo-conference');
    const listed = JSON.parse((await sidebar.waitFor('participants of the conference')).msg) as Array<{ conference_sid: string; call: unknown }>;
    assert.equal(listed.length, 3);
    assert.ok(listed.every((p) => p.conference_sid === conf && p.call !== undefined));
    const conference = JSON.parse((await sidebar.waitFor('the conference')).msg) as { sid: string; status: string };
    assert.deepEqual([conference.sid, conference.status], [conf, 'in-progress']);
  });

  it('08: "pause" with nothing recorded reaches "no recording in progress" (404, no update); then pauses with skip and resumes the recording', async function () {
    await deploy([example('08')]);
    const recordings = `/Conferences/${conferenceSid}/Recordings`;
    const t0 = Date.now();
    await inject('card number starts: pause');
    const none = await sidebar.waitFor('no recording in progress');
    assert.equal(none.msg, 'No recording of this conference is in progress or paused: no update was sent');
    assert.deepEqual(space.requests.filter((r) => r.at >= t0 && r.path.includes(recordings)).map((r) => r.method), ['GET']);

    const recording = space.startRecording(conferenceSid);
    sidebar.clear();
    const t1 = Date.now();
    await inject('card number starts: pause');
    const paused = JSON.parse((await sidebar.waitFor('recording')).msg) as { sid: string; status: string };
    assert.deepEqual([paused.sid, paused.status], [recording.sid, 'paused']);
    const writes = space.requests.filter((r) => r.at >= t1 && r.method === 'POST');
    assert.deepEqual(writes.map((r) => [r.path.endsWith(`${recordings}/${recording.sid}`), r.form]), [[true, { Status: 'paused', PauseBehavior: 'skip' }]]);

    sidebar.clear();
    await inject('card number taken: resume');
    assert.equal((JSON.parse((await sidebar.waitFor('recording')).msg) as { status: string }).status, 'in-progress');
    assert.equal(space.recording(conferenceSid, recording.sid)?.status, 'in-progress');
    sidebar.clear();
    await inject('what was recorded');
    const listed = JSON.parse((await sidebar.waitFor('recordings')).msg) as Array<{ sid: string; status: string }>;
    assert.deepEqual(listed.map((r) => [r.sid, r.status]), [[recording.sid, 'in-progress']]);
    assert.equal(sidebar.messages.filter((m) => m.name === 'other error').length, 0);
    space.setRecordingStatus(conferenceSid, recording.sid, 'completed');
  });

  it('all examples together, as npm start deploys them: one config node each, no errors', async function () {
    const all = [...examples.values()];
    const { flows, output } = await deploy(all);
    assert.doesNotMatch(output, /missing (node )?types/i);
    assert.doesNotMatch(output, /\[error\]|\[warn\]/);
    assert.equal(flows.filter((n) => n.type === 'tab').length, all.length);
    for (const type of ['signalwire-space', 'ui-base', 'ui-theme']) {
      assert.equal(flows.filter((n) => n.type === type).length, 1, `${type} is not deduplicated`);
    }
    // one page per path (the participants table, the moderator console), one group per page and name
    const pages = new Set(all.flatMap((e) => e.nodes.filter((n) => n.type === 'ui-page').map((n) => n.path)));
    assert.equal(flows.filter((n) => n.type === 'ui-page').length, pages.size, 'ui-page is not deduplicated by path');
    assert.equal(flows.filter((n) => n.type === 'ui-group').length, pages.size, 'ui-group is not deduplicated');
    assert.equal(new Set(flows.map((n) => n.id)).size, flows.length, 'ids collide');
    const res = await fetch(`${nodeRed.url}/library/examples/flows/node-red-contrib-signalwire`);
    assert.equal(res.status, 200);
    const listed = JSON.stringify(await res.json());
    for (const ex of all) assert.ok(listed.includes(ex.title), `Import > Examples does not list "${ex.title}"`);
  });
});
