import type { NodeAPI, NodeDef } from 'node-red';
import { SignalWireClient } from './lib/client';
import { toSignalWireError } from './lib/errors';
import type { SpaceNode } from './lib/request-node';
import { resolveSpaceSettings, type SpaceConfig, type SpaceCredentials } from './lib/space';
import { registerTestConnection } from './lib/test-connection';

interface SpaceNodeDef extends NodeDef, SpaceConfig {}

export = function (RED: NodeAPI): void {
  function SignalWireSpaceNode(this: SpaceNode, config: SpaceNodeDef): void {
    RED.nodes.createNode(this, config);
    try {
      this.client = new SignalWireClient(resolveSpaceSettings(config, this.credentials as SpaceCredentials | undefined));
    } catch (err) {
      // Reported by every node that uses this space, on each message, so Catch nodes see it.
      this.configError = toSignalWireError(err, 'config');
      this.error(this.configError.message);
    }
    this.on('close', (done: () => void) => {
      this.client?.close();
      done();
    });
  }

  RED.nodes.registerType('signalwire-space', SignalWireSpaceNode, {
    credentials: {
      projectId: { type: 'text' },
      apiToken: { type: 'password' },
    },
  });
  registerTestConnection(RED);
};
