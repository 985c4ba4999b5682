import helper from 'node-red-node-test-helper';
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

export async function load(nodes: FlowNode[], creds: object): Promise<any> {
  await helper.load(ALL_NODES, nodes as never, creds as never);
  const n1 = helper.getNode('n1');
  if (!n1) throw new Error('node n1 was not created: check its type');
  return n1;
}

/** Resolves with the next message on `out`, or rejects with what reached the Catch node. */
export function outcome(timeoutMs = 8000): Promise<Msg> {
  const out = helper.getNode('out');
  const caught = helper.getNode('caught');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message and no error within time')), timeoutMs);
    out.once('input', (msg: Msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
    caught?.once('input', (msg: Msg) => {
      clearTimeout(timer);
      const err = new Error(`caught: ${msg.error?.message}`) as Error & { msg: Msg };
      err.msg = msg;
      reject(err);
    });
  });
}

/** Resolves with the msg a Catch node received (fails if an output came instead). */
export async function caughtError(timeoutMs = 8000): Promise<Msg> {
  try {
    const msg = await outcome(timeoutMs);
    throw Object.assign(new Error(`expected an error, got output ${JSON.stringify(msg.payload)?.slice(0, 200)}`), { unexpected: true });
  } catch (err) {
    if ((err as { msg?: Msg }).msg) return (err as { msg: Msg }).msg;
    throw err;
  }
}

/** Collects every message arriving on a helper node for `ms` milliseconds. */
export function collect(id: string, ms: number): Promise<Msg[]> {
  const node = helper.getNode(id);
  const got: Msg[] = [];
  node.on('input', (m: Msg) => got.push(m));
  return new Promise((resolve) => setTimeout(() => resolve(got), ms));
}

/** The last status the node under test set. */
export function lastStatus(node: any): Record<string, unknown> | undefined {
  const calls = node.status.getCalls?.() ?? [];
  return calls.length ? calls[calls.length - 1].args[0] : undefined;
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
