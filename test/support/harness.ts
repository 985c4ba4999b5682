import assert from 'node:assert/strict';
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import helper from 'node-red-node-test-helper';
import { STATUS_INTERVAL_MS } from '../../nodes/lib/shared/status';
import { withCatalogue } from './catalogues';
import { FakeSpace } from '../../simulator';

// NODE_RED_PATH lets CI run the same suite against another Node-RED major.
helper.init(require.resolve(process.env.NODE_RED_PATH ?? 'node-red'));

/* eslint-disable @typescript-eslint/no-require-imports */
// The tests load what ships: the built dist/, not the TypeScript sources.
// Each with the runtime's real i18n and this package's catalogues as its RED._.
export const spaceNode = withCatalogue(require('../../dist/nodes/signalwire-space.js'), 'signalwire-space');
export const listNode = withCatalogue(require('../../dist/nodes/signalwire-list-participants.js'), 'signalwire-list-participants');
export const getNode = withCatalogue(require('../../dist/nodes/signalwire-get-participant.js'), 'signalwire-get-participant');
export const eventsNode = withCatalogue(require('../../dist/nodes/signalwire-conference-events.js'), 'signalwire-conference-events');
export const updateParticipantNode = withCatalogue(require('../../dist/nodes/signalwire-update-participant.js'), 'signalwire-update-participant');
export const updateConferenceNode = withCatalogue(require('../../dist/nodes/signalwire-update-conference.js'), 'signalwire-update-conference');
export const listConferencesNode = withCatalogue(require('../../dist/nodes/signalwire-list-conferences.js'), 'signalwire-list-conferences');
export const getConferenceNode = withCatalogue(require('../../dist/nodes/signalwire-get-conference.js'), 'signalwire-get-conference');
export const rosterNode = withCatalogue(require('../../dist/nodes/signalwire-conference-roster.js'), 'signalwire-conference-roster');
export const listRecordingsNode = withCatalogue(require('../../dist/nodes/signalwire-list-recordings.js'), 'signalwire-list-recordings');
export const updateRecordingNode = withCatalogue(require('../../dist/nodes/signalwire-update-recording.js'), 'signalwire-update-recording');
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

/**
 * A node spec's fixture, for the tests of the enclosing `describe`: before each, a fresh fake
 * space with one conference (and `participants` in it); after each, no message left unconsumed
 * (assertNoStray), the flow unloaded and the space closed. The returned harness is the running
 * test's (its fields change before each test).
 */
export function useSpace(participants = 0): Harness {
  const h = {} as Harness;
  beforeEach(async () => {
    Object.assign(h, await startSpace(participants));
  });
  afterEach(async () => {
    try {
      await assertNoStray();
    } finally {
      await helper.unload();
      await h.space.close();
    }
  });
  return h;
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
 * Loads `node` in a flow with `space` and sends it `msg`: resolves to the message on `out`, or with
 * `expectError` to the one the Catch node received.
 */
export async function runOnce(space: FakeSpace, node: FlowNode, msg: Msg, modules: unknown[] = ALL_NODES, expectError = false): Promise<Msg> {
  const n1 = await load(flow(node, space), credentials(space), modules);
  const got = expectError ? caughtError() : outcome();
  n1.receive(msg);
  return got;
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
  watchCompletions();
  inbox.clear();
  completed.length = 0;
  await helper.load(modules as never, nodes as never, creds as never);
  const n1 = helper.getNode('n1');
  if (!n1) throw new Error('node n1 was not created: check its type');
  for (const n of nodes) if (n.type === 'helper') listen(n.id);
  return n1;
}

/**
 * Redeploys `nodes` as the editor's "modified nodes" deploy does: only nodes whose definition
 * changed are stopped and started again; every other node (the config node, the helpers)
 * keeps running. Returns the new n1.
 */
export async function redeployNodes(nodes: FlowNode[], creds: object): Promise<any> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await (helper as any).setFlows(nodes, 'nodes', creds);
  return helper.getNode('n1');
}

/**
 * Every message a node ended with done(): Node-RED's onComplete hook sees each call of done(),
 * with or without an error, even after the node has closed.
 */
export interface Completion {
  nodeId: string;
  msg: Msg;
  error: unknown;
}
const completed: Completion[] = [];
let completionHook = false;

function watchCompletions(): void {
  if (completionHook) return;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const hooks = (helper as any)._RED.hooks;
  hooks.add('onComplete.signalwire-tests', (event: { msg: Msg; error: unknown; node: { id: string } }) => {
    completed.push({ nodeId: event.node.id, msg: event.msg, error: event.error });
  });
  completionHook = true;
}

/** The done() calls of node `id` since the last load(). */
export function completions(id = 'n1'): Completion[] {
  return completed.filter((c) => c.nodeId === id);
}

/**
 * Fails when a helper node received a message no test consumed (call it from afterEach, before
 * unload): with outcome()/caughtError() taking exactly one, a node that sends twice, or sends
 * and also reports an error, fails. Waits `ms` first so a late second message has landed.
 */
export async function assertNoStray(ms = 30): Promise<void> {
  await delay(ms);
  const stray: string[] = [];
  for (const [id, msgs] of inbox) {
    for (const m of msgs.splice(0)) {
      stray.push(`${id}: ${m.error ? `error ${m.error.message}` : `payload ${JSON.stringify(m.payload)?.slice(0, 120)}`}`);
    }
  }
  if (stray.length) throw new Error(`${stray.length} unexpected message(s) left unconsumed:\n  ${stray.join('\n  ')}`);
}

/**
 * What must follow when the flow stops (unload, or a redeploy of n1) while the space holds a
 * request of n1: the request is aborted, the message ends once with done() and no error, no
 * request follows (no retry, no next page), nothing is sent or caught. Returns that completion.
 */
export async function assertEndedByClose(space: FakeSpace): Promise<Completion> {
  const requests = space.requests.length;
  await waitUntil(() => space.inFlight === 0, 5000, 'the held request was not aborted');
  await waitUntil(() => completions().length > 0, 5000, 'the aborted message was never ended with done()');
  await delay(100); // a second done(), a retry or an output would have landed by now
  assert.deepEqual(completions().map((c) => c.error), [undefined], 'ended exactly once, without an error');
  assert.equal(space.requests.length, requests, 'no request after close');
  assert.deepEqual(await collect('out', 0), []);
  assert.deepEqual(await collect('caught', 0), []);
  return completions()[0];
}

/** The log entries node `id` wrote at error level since the last load() (unload stops the log spy). */
export function loggedErrors(id: string): Array<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const log = helper.log() as any;
  return (log.args as unknown[][]).map((a) => a[0] as Record<string, unknown>).filter((e) => e?.level === log.ERROR && e.id === id);
}

/** Polls `check` until it is true; fails with `what` (computed at that moment) after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'function' ? what() : what} within ${timeoutMs} ms`);
    await delay(5);
  }
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

/**
 * Every status `node` has shown so far, oldest first. The helper spies on Node.prototype.status,
 * shared by all nodes: only this node's calls are kept.
 */
export function statuses(node: any): Array<Record<string, unknown>> {
  const calls: Array<{ thisValue: unknown; args: unknown[] }> = node.status.getCalls?.() ?? [];
  return calls.filter((c) => c.thisValue === node).map((c) => c.args[0] as Record<string, unknown>);
}

/** The status the node under test shows once its coalesced status updates have landed. */
export async function lastStatus(node: any): Promise<Record<string, unknown> | undefined> {
  await delay(STATUS_INTERVAL_MS + 50);
  const all = statuses(node);
  return all.length ? all[all.length - 1] : undefined;
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Watches the timers started on behalf of one message, and only those: `run(() =>
 * n1.receive(msg))` marks the message's asynchronous context, and every `Timeout` created in
 * it (directly, in a promise continuation, or in an HTTP response callback of its request) is
 * tracked until it fires or is cleared. Nothing else in the process is counted.
 */
export function timerWatch() {
  const context = new AsyncLocalStorage<true>();
  const live = new Map<number, { delayMs: number; createdAt: number }>();
  const delays: number[] = [];
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (type !== 'Timeout' || context.getStore() !== true) return;
      const delayMs = Number((resource as { _idleTimeout?: number })._idleTimeout);
      delays.push(delayMs);
      live.set(asyncId, { delayMs, createdAt: Date.now() });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return {
    run<T>(fn: () => T): T {
      return context.run(true, fn);
    },
    /** Timers of the message that have neither fired nor been cleared. */
    pending(): Array<{ delayMs: number; createdAt: number }> {
      return [...live.values()];
    },
    get created(): number {
      return delays.length;
    },
    /** The delay of every timer of the message, in the order they were created. */
    delays(): number[] {
      return [...delays];
    },
    stop(): void {
      hook.disable();
      context.disable();
    },
  };
}
