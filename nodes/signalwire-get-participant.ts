import type { Node, NodeAPI, NodeDef } from 'node-red';
import { resolveSid, typedSetting } from './lib/requests/inputs';
import { handleRequests } from './lib/requests/request-node';

interface GetParticipantDef extends NodeDef {
  space?: string;
  conferenceSid?: string;
  conferenceSidType?: string;
  callSid?: string;
  callSidType?: string;
}

export = function (RED: NodeAPI): void {
  function GetParticipantNode(this: Node, config: GetParticipantDef): void {
    RED.nodes.createNode(this, config);
    const conference = typedSetting(config.conferenceSid, config.conferenceSidType, 'conferenceSid', 'ConferenceSid');
    const call = typedSetting(config.callSid, config.callSidType, 'callSid', 'CallSid');

    handleRequests(RED, this, config.space, async ({ client, msg, signal, send, t }) => {
      const conferenceSid = await resolveSid(RED, this, conference, msg, 'conferenceSid');
      const callSid = await resolveSid(RED, this, call, msg, 'callSid');
      msg.payload = await client.getParticipant(conferenceSid, callSid, signal);
      send(msg);
      return t('status.ok');
    });
  }

  RED.nodes.registerType('signalwire-get-participant', GetParticipantNode);
};
