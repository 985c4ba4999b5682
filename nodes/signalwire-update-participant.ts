import type { Node, NodeAPI, NodeDef } from 'node-red';
import { resolveSid, typedSetting } from './lib/requests/inputs';
import { handleRequests } from './lib/requests/request-node';
import { PARTICIPANT_ACTIONS } from './lib/shared/rules';
import { actionSetting, participantAction, participantWrite, sendParticipantWrite } from './lib/requests/writes';

interface UpdateParticipantDef extends NodeDef {
  space?: string;
  conferenceSid?: string;
  conferenceSidType?: string;
  callSid?: string;
  callSidType?: string;
  /** The call a `coach` action coaches: absent in flows saved before coaching existed. */
  callSidToCoach?: string;
  callSidToCoachType?: string;
  action?: string;
  holdUrl?: string;
  announceUrl?: string;
}

const STATUS = {
  mute: 'status.muted',
  unmute: 'status.unmuted',
  hold: 'status.held',
  unhold: 'status.unheld',
  coach: 'status.coaching',
  uncoach: 'status.uncoached',
  remove: 'status.removed',
} as const;

export = function (RED: NodeAPI): void {
  function UpdateParticipantNode(this: Node, config: UpdateParticipantDef): void {
    RED.nodes.createNode(this, config);
    const conference = typedSetting(config.conferenceSid, config.conferenceSidType, 'conferenceSid', 'ConferenceSid');
    const call = typedSetting(config.callSid, config.callSidType, 'callSid', 'CallSid');
    // No msg.payload fallback: a status callback does not say whom to coach.
    const coached = typedSetting(config.callSidToCoach, config.callSidToCoachType, 'callSidToCoach');
    const { action, problem } = actionSetting(PARTICIPANT_ACTIONS, config.action);

    handleRequests(
      RED,
      this,
      config.space,
      async ({ client, msg, signal, send, t }) => {
        const conferenceSid = await resolveSid(RED, this, conference, msg, 'conferenceSid');
        const callSid = await resolveSid(RED, this, call, msg, 'callSid');
        // The call to coach is read only for coach: other actions never need it.
        const callSidToCoach = participantAction(action, msg) === 'coach' ? await resolveSid(RED, this, coached, msg, 'callSidToCoach') : undefined;
        const write = participantWrite(action, config.holdUrl, config.announceUrl, msg, callSidToCoach);
        msg.payload = await sendParticipantWrite(client, conferenceSid, callSid, write, signal);
        send(msg);
        return t(STATUS[write.action]);
      },
      problem,
    );
  }

  RED.nodes.registerType('signalwire-update-participant', UpdateParticipantNode);
};
