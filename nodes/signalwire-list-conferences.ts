import type { Node, NodeAPI, NodeDef } from 'node-red';
import { problemError, type SignalWireError } from './lib/errors';
import { msgOrNode, type Msg } from './lib/inputs';
import { listSettings, sendListing, type ListNodeConfig } from './lib/listing';
import { handleRequests } from './lib/request-node';
import { checkConferenceStatus, checkDate, checkFriendlyName, CONFERENCE_DATE_FILTERS, type ConferenceDateField, type Problem } from './lib/rules';
import type { ListQuery } from './lib/types';

type FilterConfig = { friendlyName?: string; status?: string } & Partial<Record<ConferenceDateField, string>>;

interface ListConferencesDef extends NodeDef, ListNodeConfig, FilterConfig {
  space?: string;
}

type Checked = { value: string | undefined } | { problem: Problem };

/**
 * The filters under the API's names, each from the msg property of the node's property name
 * when set, else from the node; a bad one is an error before any request.
 */
function conferenceFilters(msg: Msg, config: FilterConfig, kind: 'bad-input' | 'config'): ListQuery {
  const take = (value: unknown, check: (v: unknown) => Checked): string | undefined => {
    const checked = check(value);
    if ('problem' in checked) throw problemError(kind, checked.problem, value);
    return checked.value;
  };
  const query: ListQuery = {
    FriendlyName: take(msgOrNode(msg.friendlyName, config.friendlyName), checkFriendlyName),
    Status: take(msgOrNode(msg.status, config.status), checkConferenceStatus),
  };
  for (const [field, name] of Object.entries(CONFERENCE_DATE_FILTERS) as Array<[ConferenceDateField, keyof ListQuery]>) {
    (query as Record<string, unknown>)[name] = take(msgOrNode(msg[field], config[field]), (v) => checkDate(field, v));
  }
  return query;
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
