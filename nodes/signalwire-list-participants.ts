import type { Node, NodeAPI, NodeDef } from 'node-red';
import { callDetailsOn, callDetailsStep } from './lib/requests/call-details';
import { filterSetting, resolveFilter, resolveSid, typedSetting } from './lib/requests/inputs';
import { listSettings, sendListing, type ListNodeConfig } from './lib/requests/listing';
import { handleRequests } from './lib/requests/request-node';

interface ListParticipantsDef extends NodeDef, ListNodeConfig {
  space?: string;
  conferenceSid?: string;
  conferenceSidType?: string;
  muted?: string;
  hold?: string;
  /** Add each participant's `call` (number, caller name...): off in flows saved before it existed. */
  callDetails?: boolean | string;
}

export = function (RED: NodeAPI): void {
  function ListParticipantsNode(this: Node, config: ListParticipantsDef): void {
    RED.nodes.createNode(this, config);
    const conference = typedSetting(config.conferenceSid, config.conferenceSidType, 'conferenceSid', 'ConferenceSid');
    const muted = filterSetting(config.muted);
    const hold = filterSetting(config.hold);
    const settings = listSettings(config);
    const callDetails = callDetailsOn(config.callDetails);

    handleRequests(RED, this, config.space, async (ctx) => {
      const conferenceSid = await resolveSid(RED, this, conference, ctx.msg, 'conferenceSid');
      // The Muted/Hold fields of a status callback's payload describe one participant: only
      // msg.muted / msg.hold are read as filters.
      const filters = {
        Muted: resolveFilter(muted, ctx.msg.muted, 'muted'),
        Hold: resolveFilter(hold, ctx.msg.hold, 'hold'),
      };
      const listing = {
        path: ctx.client.participantsPath(conferenceSid),
        itemsKey: 'participants',
        about: 'conference' as const,
        // With call details, each page gets them before it is sent, in every mode.
        onPage: callDetails ? callDetailsStep(ctx.client) : undefined,
      };
      return sendListing(RED, ctx, listing, filters, settings, (count) => ctx.t('status.participants', { count }));
    }, settings.problem);
  }

  RED.nodes.registerType('signalwire-list-participants', ListParticipantsNode);
};
