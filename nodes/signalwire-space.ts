import type { NodeAPI, NodeDef } from 'node-red';
import { resolveCallbackAuth, type CallbackSpaceNode } from './lib/callbacks/signature';
import { clientClass } from './lib/client/load';
import { redactError, secretForms, toSignalWireError } from './lib/shared/errors';
import type { SpaceNode } from './lib/client/space';
import { resolveCredentials, resolveSpaceSettings, type SpaceConfig, type SpaceCredentials } from './lib/client/space';
import { registerTestConnection } from './lib/client/test-connection';
import { useCatalogue } from './lib/shared/texts';

interface SpaceNodeDef extends NodeDef, SpaceConfig {}

export = function (RED: NodeAPI): void {
  useCatalogue(RED);

  function SignalWireSpaceNode(this: SpaceNode, config: SpaceNodeDef): void {
    RED.nodes.createNode(this, config);
    const credentials = (this.credentials ?? {}) as SpaceCredentials & { signingKey?: string };
    // For the conference events node: the Project ID and the Signing Key (credential, else
    // SIGNALWIRE_SIGNING_KEY), the key held so that it can sign but never be read or logged.
    (this as SpaceNode & CallbackSpaceNode).callbackAuth = resolveCallbackAuth(credentials);
    try {
      const SignalWireClient = clientClass();
      this.client = new SignalWireClient(resolveSpaceSettings(config, credentials), (line) => this.debug(line));
    } catch (err) {
      // Reported by every node that uses this space, on each message, so Catch nodes see it.
      // A token pasted into the wrong field must not be quoted back.
      const { projectId, apiToken, signingKey } = resolveCredentials(credentials);
      const secrets = [...secretForms(projectId, apiToken), ...secretForms(projectId, signingKey)];
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
      signingKey: { type: 'password' },
    },
  });
  registerTestConnection(RED);
};
