import type { Node, NodeAPI, NodeDef } from 'node-red';
import { resolveSid, typedSetting } from './lib/requests/inputs';
import { handleRequests } from './lib/requests/request-node';
import { CONFERENCE_ACTIONS } from './lib/shared/rules';
import { actionSetting, conferenceWrite, sendConferenceWrite } from './lib/requests/writes';

interface UpdateConferenceDef extends NodeDef {
  space?: string;
  conferenceSid?: string;
  conferenceSidType?: string;
  action?: string;
  announceUrl?: string;
}

const STATUS = { end: 'status.ended', announce: 'status.announced' } as const;

export = function (RED: NodeAPI): void {
  function UpdateConferenceNode(this: Node, config: UpdateConferenceDef): void {
    RED.nodes.createNode(this, config);
    const conference = typedSetting(config.conferenceSid, config.conferenceSidType, 'conferenceSid', 'ConferenceSid');
    const { action, problem } = actionSetting(CONFERENCE_ACTIONS, config.action);

    handleRequests(
      RED,
      this,
      config.space,
      async ({ client, msg, signal, send, t }) => {
        const conferenceSid = await resolveSid(RED, this, conference, msg, 'conferenceSid');
        const write = conferenceWrite(action, config.announceUrl, msg);
        msg.payload = await sendConferenceWrite(client, conferenceSid, write, signal);
        send(msg);
        return t(STATUS[write.action]);
      },
      problem,
    );
  }

  RED.nodes.registerType('signalwire-update-conference', UpdateConferenceNode);
};
