import type { Node, NodeAPI, NodeDef } from 'node-red';
import { resolveSid, typedSetting } from './lib/requests/inputs';
import { handleRequests } from './lib/requests/request-node';

interface GetConferenceDef extends NodeDef {
  space?: string;
  conferenceSid?: string;
  conferenceSidType?: string;
}

export = function (RED: NodeAPI): void {
  function GetConferenceNode(this: Node, config: GetConferenceDef): void {
    RED.nodes.createNode(this, config);
    const conference = typedSetting(config.conferenceSid, config.conferenceSidType, 'conferenceSid', 'ConferenceSid');

    handleRequests(RED, this, config.space, async ({ client, msg, signal, send, t }) => {
      const conferenceSid = await resolveSid(RED, this, conference, msg, 'conferenceSid');
      msg.payload = await client.getConference(conferenceSid, signal);
      send(msg);
      return t('status.ok');
    });
  }

  RED.nodes.registerType('signalwire-get-conference', GetConferenceNode);
};
