import { setMaxListeners } from 'node:events';
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import type { SignalWireClient } from '../client/client';
import { configError, describeOnMsg, isAbort, type SignalWireError, toSignalWireError } from '../shared/errors';
import type { Msg } from './inputs';
import { spaceNodeOf, type SpaceNode } from '../client/space';
import { memoized, StatusReporter } from '../shared/status';
import { text, useCatalogue, type Translate } from '../shared/texts';

export interface RequestContext {
  client: SignalWireClient;
  msg: Msg;
  /** Fires when the node closes: every request of this node stops at once. */
  signal: AbortSignal;
  /** Sends a message unless the node has closed meanwhile. */
  send: (msg: Msg) => void;
  /** The runtime catalogue's texts (memoized for status texts), in the runtime's language. */
  t: Translate;
}

/** Handles one message; resolves to the status text shown on success. */
export type RequestHandler = (ctx: RequestContext) => Promise<string>;

/**
 * The input/close wiring every request node shares: every message ends exactly once (on the
 * output, or with done(text) so a Catch node sees it and the debug sidebar shows plain text),
 * errors land on the msg, the status follows, and `close` aborts everything in flight. A
 * problem with the node's own settings (`nodeProblem`) shows at deploy and fails each message.
 */
export function handleRequests(RED: NodeAPI, node: Node, spaceId: unknown, handler: RequestHandler, nodeProblem?: SignalWireError): void {
  useCatalogue(RED);
  const t = memoized(text);
  const status = new StatusReporter(node, t);
  const closing = new AbortController();
  // Every waiting message and every request listens on this one signal: dozens at once is
  // normal here, not the listener leak Node warns about.
  setMaxListeners(0, closing.signal);
  const space = spaceNodeOf<SpaceNode>(RED, spaceId);

  const setupError = nodeProblem ?? (space ? space.configError : undefined);
  if (!space) node.status({ fill: 'red', shape: 'ring', text: t('status.no-config') });
  else if (setupError) status.failed(setupError);

  node.on('input', (msgIn: NodeMessage, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
    const msg = msgIn as unknown as Msg;
    const client = space?.client;
    if (!client || setupError) {
      const err = setupError ?? configError('not-configured');
      describeOnMsg(msg, err);
      status.failed(err);
      done(err.message as never);
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
      (shown) => {
        status.succeeded(shown);
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
        // Plain text: the debug sidebar shows an Error object as a collapsed object.
        done(error.message as never);
      },
    );
  });

  node.on('close', (_removed: boolean, done: () => void) => {
    closing.abort();
    status.close();
    done();
  });
}
