import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { spaceNodeOf, type SpaceNode } from './lib/client/space';
import { readInput, type Msg, type RosterInput } from './lib/roster/input';
import { LiveRoster } from './lib/roster/live-roster';
import { rosterSettings, type RosterConfig, type RosterSettings } from './lib/roster/settings';
import { configError, toSignalWireError, type SignalWireError } from './lib/shared/errors';
import { failureReason, memoized } from './lib/shared/status';
import { text, useCatalogue } from './lib/shared/texts';

interface ConferenceRosterDef extends NodeDef, RosterConfig {
  space?: string;
}

export = function (RED: NodeAPI): void {
  useCatalogue(RED);

  function ConferenceRosterNode(this: Node, config: ConferenceRosterDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = memoized(text);
    const space = spaceNodeOf<SpaceNode>(RED, config.space);

    let settings: RosterSettings | undefined;
    let problem: SignalWireError | undefined;
    try {
      settings = rosterSettings(config);
    } catch (err) {
      problem = toSignalWireError(err, 'config');
      node.error(problem.message);
    }
    const client = space?.client;
    const setupError = problem ?? (space ? space.configError : configError('not-configured'));
    if (!settings || !client || setupError) {
      // Shown at deploy; each message fails with it, so a Catch node sees it.
      const failure = setupError ?? configError('not-configured');
      node.status({ fill: 'red', shape: 'ring', text: space ? failureReason(t, failure) : t('status.no-config') });
      node.on('input', (_msg: NodeMessage, _send: unknown, done: (err?: Error) => void) => done(failure.message as never));
      return;
    }

    const roster = new LiveRoster({ node, client, settings, t });

    node.on('input', (msg: NodeMessage, _send: unknown, done: (err?: Error) => void) => {
      let input: RosterInput;
      try {
        input = readInput(msg as unknown as Msg);
      } catch (err) {
        // Plain text: the debug sidebar shows an Error object as a collapsed object.
        done(toSignalWireError(err).message as never);
        return;
      }
      roster.apply(input);
      done();
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      roster.close();
      done();
    });

    roster.start();
  }

  RED.nodes.registerType('signalwire-conference-roster', ConferenceRosterNode);
};
