import { setMaxListeners } from 'node:events';
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import type { SignalWireClient } from './client';
import { describeOnMsg, isAbort, SignalWireError, toSignalWireError } from './errors';
import type { Msg } from './inputs';
import { StatusReporter, statusTranslator, type Translate } from './status';

/** What the config node `signalwire-space` offers the nodes that use it. */
export interface SpaceNode extends Node {
  client?: SignalWireClient;
  configError?: SignalWireError;
}

export interface RequestContext {
  client: SignalWireClient;
  msg: Msg;
  /** Fires when the node closes: every request of this node stops at once. */
  signal: AbortSignal;
  /** Sends a message unless the node has closed meanwhile. */
  send: (msg: Msg) => void;
  /** The node's status texts, in the editor's language. */
  t: Translate;
}

/** Handles one message; resolves to the status text shown on success. */
export type RequestHandler = (ctx: RequestContext) => Promise<string>;

/**
 * The input/close wiring both nodes share: every message ends exactly once (on the output or
 * with done(err) so a Catch node sees it), errors land on the msg, the status follows, and
 * `close` aborts everything in flight.
 */
export function handleRequests(RED: NodeAPI, node: Node, spaceId: unknown, handler: RequestHandler): void {
  const t = statusTranslator(RED, node.type);
  const status = new StatusReporter(node, t);
  const closing = new AbortController();
  // Every waiting message and every request listens on this one signal: dozens at once is
  // normal here, not the listener leak Node warns about.
  setMaxListeners(0, closing.signal);
  const space = typeof spaceId === 'string' && spaceId !== '' ? (RED.nodes.getNode(spaceId) as SpaceNode | null) : null;

  if (!space) node.status({ fill: 'red', shape: 'ring', text: t('no-config') });
  else if (space.configError) status.failed(space.configError);

  node.on('input', (msgIn: NodeMessage, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
    const msg = msgIn as unknown as Msg;
    const client = space?.client;
    if (!client) {
      const err = space?.configError ?? new SignalWireError('config', 'SignalWire space is not configured: choose a signalwire-space config node');
      status.failed(err);
      done(err);
      return;
    }
    status.requesting();
    const ctx: RequestContext = {
      client,
      msg,
      t,
      signal: closing.signal,
      send: (out) => {
        if (!closing.signal.aborted) send(out as unknown as NodeMessage);
      },
    };
    handler(ctx).then(
      (text) => {
        status.succeeded(text);
        done();
      },
      (err: unknown) => {
        if (closing.signal.aborted || isAbort(err)) {
          done();
          return;
        }
        // Server text may echo a credential: every error leaves through this one redaction.
        const error = client.redact(toSignalWireError(err));
        describeOnMsg(msg, error);
        status.failed(error);
        done(error);
      },
    );
  });

  node.on('close', (_removed: boolean, done: () => void) => {
    closing.abort();
    status.close();
    done();
  });
}
