import type { Node, NodeAPI, NodeDef } from 'node-red';
import { problemError } from './lib/shared/errors';
import { resolveOptionalSid, resolveSid, typedSetting } from './lib/requests/inputs';
import { currentRecording, recordingWrite, sendRecordingWrite } from './lib/requests/recording-writes';
import { handleRequests } from './lib/requests/request-node';
import { checkPauseBehavior, RECORDING_ACTIONS } from './lib/shared/rules';
import { actionSetting } from './lib/requests/writes';

interface UpdateRecordingDef extends NodeDef {
  space?: string;
  conferenceSid?: string;
  conferenceSidType?: string;
  recordingSid?: string;
  recordingSidType?: string;
  action?: string;
  pauseBehavior?: string;
}

const STATUS = { pause: 'status.paused', resume: 'status.resumed', stop: 'status.stopped', delete: 'status.deleted' } as const;

export = function (RED: NodeAPI): void {
  function UpdateRecordingNode(this: Node, config: UpdateRecordingDef): void {
    RED.nodes.createNode(this, config);
    const conference = typedSetting(config.conferenceSid, config.conferenceSidType, 'conferenceSid', 'ConferenceSid');
    const recording = typedSetting(config.recordingSid, config.recordingSidType, 'recordingSid', 'RecordingSid');
    const { action, problem: badAction } = actionSetting(RECORDING_ACTIONS, config.action);
    const behavior = checkPauseBehavior(config.pauseBehavior);
    const problem = badAction ?? ('problem' in behavior ? problemError('config', behavior.problem, config.pauseBehavior) : undefined);

    handleRequests(
      RED,
      this,
      config.space,
      async ({ client, msg, signal, send, t }) => {
        const conferenceSid = await resolveSid(RED, this, conference, msg, 'conferenceSid');
        const write = recordingWrite(action, config.pauseBehavior, msg);
        // Every input is checked before the first request: the lookup is one.
        const recordingSid = (await resolveOptionalSid(RED, this, recording, msg, 'recordingSid')) ?? (await currentRecording(client, conferenceSid, signal));
        msg.payload = await sendRecordingWrite(client, conferenceSid, recordingSid, write, signal);
        msg.recordingSid = recordingSid;
        send(msg);
        return t(STATUS[write.action]);
      },
      problem,
    );
  }

  RED.nodes.registerType('signalwire-update-recording', UpdateRecordingNode);
};
