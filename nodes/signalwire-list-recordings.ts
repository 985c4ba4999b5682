import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { SignalWireError } from './lib/shared/errors';
import { resolveSid, typedSetting } from './lib/requests/inputs';
import { dateFilters, listSettings, sendListing, type ListNodeConfig } from './lib/requests/listing';
import { handleRequests } from './lib/requests/request-node';
import { RECORDING_DATE_FILTERS, type RecordingDateField } from './lib/shared/rules';

interface ListRecordingsDef extends NodeDef, ListNodeConfig, Partial<Record<RecordingDateField, string>> {
  space?: string;
  conferenceSid?: string;
  conferenceSidType?: string;
}

export = function (RED: NodeAPI): void {
  function ListRecordingsNode(this: Node, config: ListRecordingsDef): void {
    RED.nodes.createNode(this, config);
    const conference = typedSetting(config.conferenceSid, config.conferenceSidType, 'conferenceSid', 'ConferenceSid');
    const settings = listSettings(config);
    // The node's own date filters are checked at deploy: a bad one shows at once and fails every message.
    let problem: SignalWireError | undefined = settings.problem;
    try {
      dateFilters({}, config, RECORDING_DATE_FILTERS, 'config');
    } catch (err) {
      problem ??= err as SignalWireError;
    }

    handleRequests(RED, this, config.space, async (ctx) => {
      const filters = dateFilters(ctx.msg, config, RECORDING_DATE_FILTERS, 'bad-input');
      const conferenceSid = await resolveSid(RED, this, conference, ctx.msg, 'conferenceSid');
      const listing = { path: ctx.client.recordingsPath(conferenceSid), itemsKey: 'recordings', about: 'conference' as const };
      return sendListing(RED, ctx, listing, filters, settings, (count) => ctx.t('status.recordings', { count }));
    }, problem);
  }

  RED.nodes.registerType('signalwire-list-recordings', ListRecordingsNode);
};
