// The example flows in examples/: what Node-RED lists under Import > Examples. Each file must be
// a valid exported flow that uses the nodes' real property names, and must deploy and work on a
// real Node-RED (a child process, this package linked into a temporary user directory) against
// a fake SignalWire space on loopback, configured through the SIGNALWIRE_* environment only.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSpace, computeSignature } from '../simulator';
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

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
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
          if (!['signalwire-space', 'signalwire-conference-events', 'signalwire-list-conferences'].includes(n.type)) assert.ok(['msg', 'flow', 'global', 'env', 'str'].includes(n.conferenceSidType as string));
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

  it('03 is the events node, list participants with call details and a table, in at most 8 flow nodes', function () {
    const nodes = example('03').nodes;
    const events = findNode(nodes, 'signalwire-conference-events');
    assert.equal(events.url, CALLBACK_PATH);
    assert.equal(events.verify, true);
    assert.equal(events.coalesce, 1000);
    const list = findNode(nodes, 'signalwire-list-participants');
    assert.deepEqual((events.wires as string[][])[1], [list.id], 'output 2 (coalesced) refreshes the list');
    assert.equal(list.mode, 'all');
    assert.equal(list.callDetails, true);
    const sweep = nodes.find((n) => n.type === 'inject' && n.repeat === '30');
    assert.ok(sweep, 'no inject repeating every 30 s');
    const table = findNode(nodes, 'ui-table');
    const keys = (table.columns as Array<Record<string, string>>).map((c) => c.key);
    assert.deepEqual(keys, ['caller', 'state', 'joined', 'callSid']);
    assert.equal(findNode(nodes, 'ui-page').path, DASHBOARD_PATH.replace(/^\/dashboard/, ''));
    assert.match(findNode(nodes, 'comment').info as string, /@flowfuse\/node-red-dashboard/);
    const flowNodes = nodes.filter((n) => isFlowNode(n) && n.type !== 'comment');
    assert.ok(flowNodes.length <= 8, `${flowNodes.length} flow nodes: ${flowNodes.map((n) => n.type).join(', ')}`);
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

  it('06 is a moderator console: a button per row for mute, hold and remove, and an end button behind a confirmation', function () {
    const nodes = example('06').nodes;
    const events = findNode(nodes, 'signalwire-conference-events');
    assert.equal(events.url, MODERATOR_PATH);
    const table = findNode(nodes, 'ui-table');
    const buttons = (table.columns as Array<Record<string, string>>).filter((c) => c.type === 'button').map((c) => c.key);
    assert.deepEqual(buttons, ['mute', 'hold', 'remove']);
    const update = findNode(nodes, 'signalwire-update-participant');
    assert.equal(update.action, 'msg');
    const end = findNode(nodes, 'signalwire-update-conference');
    assert.equal(end.action, 'end');
    const confirm = nodes.find((n) => n.type === 'ui-notification' && n.allowConfirm === true);
    assert.ok(confirm, 'no confirmation before ending the conference');
    const catcher = findNode(nodes, 'catch');
    assert.deepEqual((catcher.scope as string[]).sort(), [update.id, end.id].sort(), 'every action error is shown');
    assert.equal(findNode(nodes, 'ui-page').path, MODERATOR_DASHBOARD_PATH.replace(/^\/dashboard/, ''));
  });

  it('07 finds the in-progress conference by its friendly name and lists its participants', function () {
    const nodes = example('07').nodes;
    const find = findNode(nodes, 'signalwire-list-conferences');
    assert.equal(find.status, 'in-progress');
    const inject = findNode(nodes, 'inject');
    assert.deepEqual((inject.props as unknown[])[0], { p: 'friendlyName', v: 'demo-conference', vt: 'str' });
    assert.ok(findNode(nodes, 'signalwire-list-participants'));
  });

  it('08 pauses with skip and resumes the current recording from two injects, and catches "no recording in progress" (404)', function () {
    const nodes = example('08').nodes;
    const update = findNode(nodes, 'signalwire-update-recording');
    assert.equal(update.action, 'msg');
    assert.equal(update.pauseBehavior, 'skip');
    assert.equal(update.recordingSidType, 'msg', 'no fixed recording: the current one');
    const injects = nodes.filter((n) => n.type === 'inject');
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

  it('03: answers a callback at once (204) while the refresh is slow, and fills the table', async function () {
    const deployedAt = Date.now();
    await deploy([example('03')]);
    // The sweep runs 2 s after the deploy, for SIGNALWIRE_CONFERENCE_SID.
    const sweep = await until('the first sweep', () => listRequests(conferenceSid, deployedAt)[0], 6000);
    assert.deepEqual(sweep.query, { PageSize: '1000' });

    const conf = space.addConference();
    space.addParticipants(conf, 3);
    space.latencyMs = 2000;
    try {
      const t0 = Date.now();
      const res = await callback(callbackParams(conf, 'participant-join'));
      const ms = Date.now() - t0;
      assert.equal(res.status, 204);
      assert.ok(ms < 1000, `the callback was answered after ${ms} ms, not at once`);
      await until('the refresh after the callback', () => listRequests(conf, t0)[0], 4000);
    } finally {
      space.latencyMs = 0;
    }
    const table = node('ui-table');
    // Dashboard 2.0's datastore: what a browser opening the page gets.
    const rows = await (async () => {
      const end = Date.now() + 5000;
      for (;;) {
        const r = await fetch(`${nodeRed.url}/dashboard/_debug/datastore/${table.id}`);
        const body = (await r.json().catch(() => ({}))) as { payload?: Array<{ callSid: string; caller: string; state: string; joined: string }> };
        const sids = space.participants(conf).map((p) => p.call_sid);
        if (body.payload?.length === 3 && body.payload.every((p) => sids.includes(p.callSid))) return body.payload;
        if (Date.now() > end) throw new Error(`the table did not get the 3 participants: ${JSON.stringify(body).slice(0, 300)}`);
        await delay(100);
      }
    })();
    assert.equal(rows.length, 3);
    for (const row of rows) {
      assert.match(row.caller, /^\+1\d{10}$/, 'the caller is a phone number (call details)');
      assert.equal(row.state, 'live');
      assert.doesNotMatch(row.joined, /\+0000|GMT/, 'joined in local time, not RFC 2822');
    }

    const page = await fetch(nodeRed.url + DASHBOARD_PATH);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  });

  it('03: a burst of 20 callbacks for one conference causes one or two refreshes (coalesced)', async function () {
    const deployedAt = Date.now();
    await deploy([example('03')]);
    // The first sweep (of the last conference seen: flow context outlives a deploy) is done.
    await until('the first sweep', () => space.requests.some((r) => r.at >= deployedAt), 6000);
    const conf = space.addConference();
    space.addParticipants(conf, 2);
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => callback(callbackParams(conf, i % 2 ? 'participant-mute' : 'participant-unmute'))));
    assert.deepEqual([...new Set(answers.map((r) => r.status))], [204]);
    await delay(2500); // the coalescing window (1 s) has closed
    const n = listRequests(conf, t0).length;
    assert.ok(n >= 1 && n <= 2, `${n} refreshes for a burst of 20 callbacks`);
  });

  it('03: rejects a callback with a wrong signature (403) and makes no request for it', async function () {
    await deploy([example('03')]);
    const conf = space.addConference();
    const t0 = Date.now();
    const res = await callback(callbackParams(conf, 'participant-join'), 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    assert.equal(res.status, 403);
    await delay(2500);
    assert.equal(listRequests(conf, t0).length, 0);
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

  it('06: a click on mute, then on remove, changes the participant in the space and refreshes the table', async function () {
    // The table's button click, as Dashboard 2.0 sends it (msg.payload the row, msg.column the key),
    // comes from an inject node added for the test.
    const ex = example('06');
    const click = findNode(ex.nodes, 'function', 'action from the click');
    const conf = space.addConference();
    space.addParticipants(conf, 2);
    const [first, second] = space.participants(conf);
    const clicks: FlowNode[] = ['mute', 'remove'].map((column, i) => ({
      id: `c11c${i}000000000000`, type: 'inject', z: (ex.nodes.find((n) => n.z) as FlowNode).z, name: `click ${column}`, x: 100, y: 600 + 40 * i,
      props: [{ p: 'payload', v: JSON.stringify({ callSid: column === 'mute' ? first.call_sid : second.call_sid, caller: '+15550001', mute: 'mute', remove: 'remove' }), vt: 'json' }, { p: 'column', v: column, vt: 'str' }],
      repeat: '', once: false, topic: '', wires: [[click.id]],
    }));
    await deploy([{ ...ex, nodes: [...ex.nodes, ...clicks] }]);
    // the conference the console moderates: the sweep's flow context, set by a listing of it
    const sweep = nodeRed.url + MODERATOR_PATH;
    const params = { AccountSid: space.projectId, ConferenceSid: conf, FriendlyName: 'test', StatusCallbackEvent: 'participant-join', CallSid: first.call_sid };
    const res = await fetch(sweep, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-SignalWire-Signature': computeSignature(sweep, params, signingKey) }, body: new URLSearchParams(params).toString() });
    assert.equal(res.status, 204);
    await until('the listing of the conference', () => listRequests(conf)[0], 5000);
    await delay(300);
    await inject('click mute');
    await until('the participant muted in the space', () => space.participant(conf, first.call_sid)?.muted === true, 5000);
    const t0 = Date.now();
    await inject('click remove');
    await until('the participant removed from the space', () => space.participant(conf, second.call_sid) === undefined, 5000);
    await until('the refresh after the action', () => listRequests(conf, t0)[0], 5000);
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
