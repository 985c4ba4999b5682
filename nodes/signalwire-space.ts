import type { NodeAPI, NodeDef } from 'node-red';
import { SignalWireClient } from './lib/client';
import { redactError, secretForms, toSignalWireError } from './lib/errors';
import type { SpaceNode } from './lib/request-node';
import { resolveSpaceSettings, type SpaceConfig, type SpaceCredentials } from './lib/space';
import { registerTestConnection } from './lib/test-connection';
import { useCatalogue } from './lib/texts';

interface SpaceNodeDef extends NodeDef, SpaceConfig {}

export = function (RED: NodeAPI): void {
  useCatalogue(RED);

  function SignalWireSpaceNode(this: SpaceNode, config: SpaceNodeDef): void {
    RED.nodes.createNode(this, config);
    const credentials = (this.credentials ?? {}) as SpaceCredentials;
    try {
      this.client = new SignalWireClient(resolveSpaceSettings(config, credentials), (line) => this.debug(line));
    } catch (err) {
      // Reported by every node that uses this space, on each message, so Catch nodes see it.
      // A token pasted into the wrong field must not be quoted back.
      const secrets = secretForms(credentials.projectId ?? '', credentials.apiToken ?? process.env.SIGNALWIRE_API_TOKEN ?? '');
      this.configError = redactError(toSignalWireError(err, 'config'), secrets);
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
