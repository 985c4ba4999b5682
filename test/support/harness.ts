import helper from 'node-red-node-test-helper';
import { STATUS_INTERVAL_MS } from '../../nodes/lib/status';
import { FakeSpace } from '../../simulator';

// NODE_RED_PATH lets CI run the same suite against another Node-RED major.
helper.init(require.resolve(process.env.NODE_RED_PATH ?? 'node-red'));

/* eslint-disable @typescript-eslint/no-require-imports */
// The tests load what ships: the built dist/, not the TypeScript sources.
export const spaceNode = require('../../dist/nodes/signalwire-space.js');
export const listNode = require('../../dist/nodes/signalwire-list-participants.js');
export const getNode = require('../../dist/nodes/signalwire-get-participant.js');
export const ALL_NODES = [spaceNode, listNode, getNode];

export { helper };

export type Msg = Record<string, any>;
export type FlowNode = Record<string, any>;

export interface Harness {
  space: FakeSpace;
  conferenceSid: string;
}

/** A fresh fake space on loopback with one conference. */
export async function startSpace(participants = 0): Promise<Harness> {
  const space = new FakeSpace();
  await space.start();
  const conferenceSid = space.addConference();
  if (participants > 0) space.addParticipants(conferenceSid, participants);
  return { space, conferenceSid };
}

export function spaceConfig(url: string, extra: FlowNode = {}): FlowNode {
  return { id: 'space', type: 'signalwire-space', name: 'test space', space: url, ...extra };
}

export function credentials(space: FakeSpace, extra: Record<string, string> = {}) {
  return { space: { projectId: space.projectId, apiToken: space.apiToken, ...extra } };
}

/**
 * A flow: the node under test wired to `out`, and a Catch node for it wired to `caught`.
 */
export function flow(node: FlowNode, space: FakeSpace, spaceExtra: FlowNode = {}): FlowNode[] {
  // Flow nodes need x/y: without them Node-RED files a node on a tab as a config node.
  const at = { z: 'f1', x: 100, y: 100 };
  return [
    { id: 'f1', type: 'tab', label: 'test' },
    spaceConfig(space.url, spaceExtra),
    { id: 'n1', ...at, space: 'space', ...node, wires: [['out']] },
    { id: 'out', ...at, type: 'helper', wires: [] },
    { id: 'catch', ...at, type: 'catch', scope: ['n1'], uncaught: false, wires: [['caught']] },
    { id: 'caught', ...at, type: 'helper', wires: [] },
  ];
}

/**
 * Messages reaching the helper nodes, queued. One persistent listener per helper node: Node-RED's
 * Node keeps its input callbacks in a list that removing a `once` listener can break.
 */
const inbox = new Map<string, Msg[]>();
let wake: (() => void) | null = null;

function listen(id: string): void {
  const node = helper.getNode(id);
  if (!node) return;
  inbox.set(id, []);
  node.on('input', (msg: Msg) => {
    inbox.get(id)!.push(msg);
    wake?.();
  });
}

export async function load(nodes: FlowNode[], creds: object, modules: unknown[] = ALL_NODES): Promise<any> {
  await helper.load(modules as never, nodes as never, creds as never);
  const n1 = helper.getNode('n1');
  if (!n1) throw new Error('node n1 was not created: check its type');
  inbox.clear();
  for (const n of nodes) if (n.type === 'helper') listen(n.id);
  return n1;
}

async function waitFor<T>(pick: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = pick();
    if (got !== undefined) return got;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = null;
  }
}

/** The next message on `out`; rejects with what reached the Catch node instead. */
export async function outcome(timeoutMs = 8000): Promise<Msg> {
  const result = await waitFor(() => {
    const caught = inbox.get('caught')?.shift();
    if (caught) return { caught };
    const out = inbox.get('out')?.shift();
    return out ? { out } : undefined;
  }, timeoutMs, 'no message and no error');
  if ('caught' in result) {
    const { caught } = result as { caught: Msg };
    throw Object.assign(new Error(`caught: ${caught.error?.message}`), { msg: caught });
  }
  return (result as { out: Msg }).out;
}

/** The msg a Catch node received (fails if an output came instead). */
export async function caughtError(timeoutMs = 8000): Promise<Msg> {
  let out: Msg;
  try {
    out = await outcome(timeoutMs);
  } catch (err) {
    if ((err as { msg?: Msg }).msg) return (err as { msg: Msg }).msg;
    throw err;
  }
  throw new Error(`expected an error, got output ${JSON.stringify(out.payload)?.slice(0, 200)}`);
}

/** Every message that reached helper node `id` after `ms` more milliseconds. */
export async function collect(id: string, ms: number): Promise<Msg[]> {
  await delay(ms);
  return inbox.get(id)?.splice(0) ?? [];
}

/** The next message reaching helper node `id`. */
export function next(id: string, timeoutMs = 8000): Promise<Msg> {
  return waitFor(() => inbox.get(id)?.shift(), timeoutMs, `no message on ${id}`);
}

/** The status the node under test shows once its coalesced status updates have landed. */
export async function lastStatus(node: any): Promise<Record<string, unknown> | undefined> {
  await delay(STATUS_INTERVAL_MS + 50);
  const calls = node.status.getCalls?.() ?? [];
  return calls.length ? calls[calls.length - 1].args[0] : undefined;
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
