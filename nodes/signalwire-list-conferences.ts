import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { SignalWireError } from './lib/shared/errors';
import type { Msg } from './lib/requests/inputs';
import { dateFilters, filterValue, listSettings, sendListing, type ListNodeConfig } from './lib/requests/listing';
import { handleRequests } from './lib/requests/request-node';
import { checkConferenceStatus, checkFriendlyName, CONFERENCE_DATE_FILTERS, type ConferenceDateField } from './lib/shared/rules';
import type { ListQuery } from './lib/shared/types';

type FilterConfig = { friendlyName?: string; status?: string } & Partial<Record<ConferenceDateField, string>>;

interface ListConferencesDef extends NodeDef, ListNodeConfig, FilterConfig {
  space?: string;
}

/**
 * The filters under the API's names, each from the msg property of the node's property name
 * when set, else from the node; a bad one is an error before any request.
 */
function conferenceFilters(msg: Msg, config: FilterConfig, kind: 'bad-input' | 'config'): ListQuery {
  return {
    FriendlyName: filterValue(msg.friendlyName, config.friendlyName, checkFriendlyName, kind),
    Status: filterValue(msg.status, config.status, checkConferenceStatus, kind),
    ...dateFilters(msg, config, CONFERENCE_DATE_FILTERS, kind),
  };
}

export = function (RED: NodeAPI): void {
  function ListConferencesNode(this: Node, config: ListConferencesDef): void {
    RED.nodes.createNode(this, config);
    const settings = listSettings(config);
    // The node's own filters are checked at deploy: a bad one shows at once and fails every message.
    let problem: SignalWireError | undefined = settings.problem;
    try {
      conferenceFilters({}, config, 'config');
    } catch (err) {
      problem ??= err as SignalWireError;
    }

    handleRequests(RED, this, config.space, async (ctx) => {
      const filters = conferenceFilters(ctx.msg, config, 'bad-input');
      const listing = { path: ctx.client.conferencesPath(), itemsKey: 'conferences', about: 'account' as const };
      return sendListing(RED, ctx, listing, filters, settings, (count) => ctx.t('status.conferences', { count }));
    }, problem);
  }

  RED.nodes.registerType('signalwire-list-conferences', ListConferencesNode);
};
