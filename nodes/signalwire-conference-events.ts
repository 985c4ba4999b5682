import type { Node, NodeAPI, NodeDef } from 'node-red';
import { CallbackReceiver } from './lib/callbacks/receiver';
import { bodyLimit, mountRoute } from './lib/callbacks/route';
import { eventsSettings, type ConferenceEventsConfig, type EventsSettings } from './lib/callbacks/settings';
import type { CallbackSpaceNode } from './lib/callbacks/signature';
import { spaceNodeOf } from './lib/client/space';
import { configError, type SignalWireError } from './lib/shared/errors';
import { memoized } from './lib/shared/status';
import { text, useCatalogue } from './lib/shared/texts';

interface ConferenceEventsDef extends NodeDef, ConferenceEventsConfig {
  space?: string;
}

export = function (RED: NodeAPI): void {
  useCatalogue(RED);

  function ConferenceEventsNode(this: Node, config: ConferenceEventsDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = memoized(text);
    const space = spaceNodeOf<CallbackSpaceNode>(RED, config.space);

    /** A setup problem: shown and logged once, and the node does not listen. */
    const setupFailed = (err: SignalWireError, statusKey: string): void => {
      node.error(err.message);
      node.status({ fill: 'red', shape: 'ring', text: t(statusKey) });
    };

    if (!space) {
      node.status({ fill: 'red', shape: 'ring', text: t('status.no-config') });
      return;
    }
    let settings: EventsSettings;
    try {
      settings = eventsSettings(config);
    } catch (err) {
      setupFailed(err as SignalWireError, 'status.config');
      return;
    }

    // Set as soon as the route is up, before any request can reach it.
    let receiver: CallbackReceiver | undefined;
    const mounted = mountRoute(RED, {
      nodeId: node.id,
      path: settings.path,
      handler: (req, res) => {
        receiver?.handle(req, res).catch((err: unknown) => receiver?.fail(err, res));
      },
      // A middleware (httpNodeMiddleware, cors) passed on an error.
      onError: (err, res) => receiver?.fail(err, res),
    });
    if ('disabled' in mounted) {
      setupFailed(configError('callback-http-off'), 'status.http-off');
      return;
    }
    if ('takenBy' in mounted) {
      setupFailed(configError('callback-path-taken', { path: settings.path, node: mounted.takenBy }), 'status.path-taken');
      return;
    }
    const limit = bodyLimit((RED.settings as { apiMaxLength?: unknown }).apiMaxLength);
    receiver = new CallbackReceiver({ node, settings, auth: space.callbackAuth, limit, t });
    if (receiver.mode === 'no-key') node.warn(text('log.reason-no-key'));
    if (receiver.mode === 'no-project') node.warn(text('log.reason-no-project'));

    node.on('close', (_removed: boolean, done: () => void) => {
      mounted.unmount();
      receiver?.close();
      done();
    });
  }

  RED.nodes.registerType('signalwire-conference-events', ConferenceEventsNode);
};
