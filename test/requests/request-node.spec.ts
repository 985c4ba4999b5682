import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import sinon from 'sinon';
import type { RequestHandler } from '../../nodes/lib/requests/request-node';
import { translatorFor } from '../support/catalogues';

/* eslint-disable @typescript-eslint/no-require-imports */
// What ships: the built dist/, as the node specs load it (and one copy of SignalWireError, so
// instanceof holds between the test and the code under test).
const { abortError, SignalWireError } = require('../../dist/nodes/lib/shared/errors.js') as typeof import('../../nodes/lib/shared/errors');
const { handleRequests } = require('../../dist/nodes/lib/requests/request-node.js') as typeof import('../../nodes/lib/requests/request-node');
const { STATUS_INTERVAL_MS, StatusReporter } = require('../../dist/nodes/lib/shared/status.js') as typeof import('../../nodes/lib/shared/status');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Enough of a SignalWireClient for the wiring: it only redacts errors. */
const fakeClient = { redact: (err: unknown) => err };

/** Just enough of a Node-RED node and RED API to drive handleRequests directly. */
function fakeNode(handler: RequestHandler, spaceNode: object | null = { client: fakeClient }) {
  const node = Object.assign(new EventEmitter(), { type: 'signalwire-list-participants', status: sinon.spy() });
  const RED = { _: translatorFor('signalwire-list-participants'), nodes: { getNode: sinon.stub().returns(spaceNode) } };
  handleRequests(RED as never, node as never, 'space', handler);
  const input = (msg: object) => {
    const send = sinon.spy();
    const done = sinon.spy();
    node.emit('input', msg, send, done);
    return { send, done };
  };
  const close = () => new Promise<void>((resolve) => node.emit('close', false, resolve));
  return { node, input, close };
}

const settle = () => new Promise((r) => setImmediate(r));
const statusLanded = () => new Promise((r) => setTimeout(r, STATUS_INTERVAL_MS + 50));

describe('request wiring shared by both nodes', () => {
  it('ends a message exactly once with done() after sending it', async () => {
    const { input, node } = fakeNode(async ({ msg, send }) => {
      msg.payload = [1];
      send(msg);
      return '1 participant';
    });
    const { send, done } = input({ topic: 't' });
    await settle();
    assert.equal(send.callCount, 1);
    assert.deepEqual(send.firstCall.args[0], { topic: 't', payload: [1] });
    assert.equal(done.callCount, 1);
    assert.deepEqual(done.firstCall.args, []);
    await statusLanded();
    assert.deepEqual(node.status.lastCall.args[0], { fill: 'green', shape: 'dot', text: '1 participant' });
  });

  it('ends a failed message exactly once with done(err), the error facts on the msg, and no output', async () => {
    const failure = new SignalWireError('http', 'api', { status: 404, code: 20404, message: 'Not found' }, { statusCode: 404, body: { code: 20404, message: 'Not found' } });
    const { input, node } = fakeNode(async () => {
      throw failure;
    });
    const msg: Record<string, unknown> = { topic: 't' };
    const { send, done } = input(msg);
    await settle();
    assert.equal(send.callCount, 0);
    assert.equal(done.callCount, 1);
    assert.equal(done.firstCall.args[0], 'SignalWire 404 (20404): Not found', 'plain text, as the debug sidebar shows it');
    assert.equal(msg.statusCode, 404);
    assert.deepEqual(msg.signalwireError, { code: 20404, message: 'Not found' });
    await statusLanded();
    assert.deepEqual(node.status.lastCall.args[0], { fill: 'red', shape: 'ring', text: '404 not found' });
  });

  it('turns an unexpected exception into a SignalWireError for the Catch node', async () => {
    const { input } = fakeNode(async () => {
      throw new TypeError('boom');
    });
    const { done } = input({});
    await settle();
    assert.equal(done.callCount, 1);
    assert.equal(done.firstCall.args[0], 'SignalWire: boom');
  });

  it('on close aborts the signal, sends nothing afterwards and ends the message without an error', async () => {
    let release!: () => void;
    let abortedSeen: boolean | undefined;
    const { input, close } = fakeNode(async ({ msg, send, signal }) => {
      await new Promise<void>((r) => (release = r));
      abortedSeen = signal.aborted;
      send(msg); // dropped: the node has closed
      return 'late';
    });
    const { send, done } = input({});
    await close();
    release();
    await settle();
    assert.equal(abortedSeen, true);
    assert.equal(send.callCount, 0);
    assert.equal(done.callCount, 1);
    assert.deepEqual(done.firstCall.args, []);
  });

  it('on close ends a message whose request then fails as aborted with done(), no error and no output', async () => {
    let signalSeen: AbortSignal | undefined;
    const { input, close, node } = fakeNode(({ signal }) => {
      signalSeen = signal;
      // As the client does: the request rejects with an abort error once the signal fires.
      return new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(abortError()), { once: true }));
    });
    const msg: Record<string, unknown> = { topic: 't' };
    const { send, done } = input(msg);
    await settle();
    assert.equal(done.callCount, 0, 'still in flight before close');
    await close();
    await settle();
    assert.equal(signalSeen?.aborted, true);
    assert.equal(send.callCount, 0);
    assert.equal(done.callCount, 1, 'done() called exactly once');
    assert.deepEqual(done.firstCall.args, [], 'done() without an error');
    assert.equal(msg.statusCode, undefined);
    assert.equal(msg.error, undefined);
    await statusLanded();
    assert.ok(node.status.called, 'the node showed a status');
    assert.deepEqual(node.status.getCalls().filter((c: { args: Array<{ fill?: string }> }) => c.args[0]?.fill === 'red'), [], 'no error status after close');
  });

  it('on close ends a message whose handler fails with any error afterwards with done() and no error', async () => {
    let fail!: (err: Error) => void;
    const { input, close } = fakeNode(() => new Promise<string>((_resolve, reject) => (fail = reject)));
    const { done } = input({});
    await close();
    fail(new SignalWireError('connection', 'SignalWire connection failed: socket hang up (ECONNRESET)'));
    await settle();
    assert.equal(done.callCount, 1);
    assert.deepEqual(done.firstCall.args, []);
  });

  it('reports a missing config node on every message', async () => {
    const handler = sinon.spy(async () => 'x');
    const { input } = fakeNode(handler, null);
    const { done } = input({});
    await settle();
    assert.equal(handler.callCount, 0);
    assert.match(done.firstCall.args[0], /space is not configured/);
  });

  it('coalesces a busy node\'s status updates and always shows the latest', async () => {
    const node = { status: sinon.spy() };
    const status = new StatusReporter(node as never, (key, vars) => (vars ? `${vars.count} ${key}` : key));
    for (let i = 0; i < 1000; i++) {
      status.requesting();
      status.succeeded(`${i} done`);
    }
    assert.deepEqual(node.status.args, [[{ fill: 'blue', shape: 'dot', text: 'status.requesting' }]]);
    await statusLanded();
    assert.equal(node.status.callCount, 2);
    assert.deepEqual(node.status.lastCall.args[0], { fill: 'green', shape: 'dot', text: '999 done' });
    status.succeeded('999 done');
    await statusLanded();
    assert.equal(node.status.callCount, 2, 'an identical status is not sent again');
    status.requesting();
    status.close();
    await statusLanded();
    assert.deepEqual(node.status.args.slice(2), [[{ fill: 'blue', shape: 'dot', text: 'status.requesting' }], [{}]], 'nothing lands after close');
  });
});
