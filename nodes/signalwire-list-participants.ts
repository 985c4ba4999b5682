import type { Node, NodeAPI, NodeDef } from 'node-red';
import {
  filterSetting,
  msgOrNode,
  optionalInteger,
  optionalPageToken,
  resolveFilter,
  resolveSid,
  typedSetting,
  type Msg,
} from './lib/inputs';
import { ALL_PAGES_PAGE_SIZE, API_DEFAULT_PAGE_SIZE, DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, fetchPage, listAll, listPages, MAX_MAX_ITEMS, pagingFacts, type Listing, type ListingLimits } from './lib/paging';
import { handleRequests, type RequestContext } from './lib/request-node';
import type { ListQuery, Participant } from './lib/types';

interface ListParticipantsDef extends NodeDef {
  space?: string;
  conferenceSid?: string;
  conferenceSidType?: string;
  muted?: string;
  hold?: string;
  mode?: string;
  pageSize?: string | number;
  page?: string | number;
  pageToken?: string;
  maxPages?: string | number;
  maxItems?: string | number;
}

type Mode = 'all' | 'page' | 'pages';

/** A whole-number node setting within bounds, or its default when blank or out of range. */
function limitSetting(value: unknown, fallback: number, max: number): number {
  const n = Number(value);
  return value !== '' && value !== undefined && Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
}

export = function (RED: NodeAPI): void {
  function ListParticipantsNode(this: Node, config: ListParticipantsDef): void {
    RED.nodes.createNode(this, config);
    const conference = typedSetting(config.conferenceSid, config.conferenceSidType, 'conferenceSid', 'ConferenceSid');
    const muted = filterSetting(config.muted);
    const hold = filterSetting(config.hold);
    const mode: Mode = config.mode === 'page' || config.mode === 'pages' ? config.mode : 'all';
    const maxPages = limitSetting(config.maxPages, DEFAULT_MAX_PAGES, Number.MAX_SAFE_INTEGER);
    const maxItems = limitSetting(config.maxItems, DEFAULT_MAX_ITEMS, MAX_MAX_ITEMS);

    handleRequests(RED, this, config.space, async (ctx) => {
      const { msg, client } = ctx;
      const conferenceSid = await resolveSid(RED, this, conference, msg, 'Conference SID');
      const listing: Listing = { path: client.participantsPath(conferenceSid), itemsKey: 'participants' };
      // The Muted/Hold fields of a status callback's payload describe one participant: only
      // msg.muted / msg.hold are read as filters.
      const filters = {
        Muted: resolveFilter(muted, msg.muted, 'muted'),
        Hold: resolveFilter(hold, msg.hold, 'hold'),
      };
      // The page fields only count in the modes that use them (all-pages is always 1000).
      const pageSize = mode === 'all' ? ALL_PAGES_PAGE_SIZE : optionalInteger(msgOrNode(msg.pageSize, config.pageSize), 'page size', 1, 1000);
      if (mode === 'page') {
        // Undefined values are left out of the query string by axios.
        const query: ListQuery = {
          ...filters,
          PageSize: pageSize,
          Page: optionalInteger(msgOrNode(msg.page, config.page), 'page', 0, Number.MAX_SAFE_INTEGER),
          PageToken: optionalPageToken(msgOrNode(msg.pageToken, config.pageToken), 'page token'),
        };
        return onePage(ctx, listing, query);
      }
      const query: ListQuery = { ...filters, PageSize: pageSize ?? ALL_PAGES_PAGE_SIZE };
      const limits: ListingLimits = { maxPages, maxItems, signal: ctx.signal };
      return mode === 'all' ? allPages(ctx, listing, query, limits) : pagePerMessage(ctx, listing, query, limits);
    });

    async function onePage({ client, msg, signal, send, t }: RequestContext, listing: Listing, query: ListQuery): Promise<string> {
      const page = await fetchPage<Participant>(client, listing, listing.path, query, query.PageSize ?? API_DEFAULT_PAGE_SIZE, signal);
      msg.payload = page.items;
      msg.paging = pagingFacts(page);
      send(msg);
      return `${t('page', { page: page.page })}: ${t('participants', { count: page.items.length })}`;
    }

    async function allPages({ client, msg, send, t }: RequestContext, listing: Listing, query: ListQuery, limits: ListingLimits): Promise<string> {
      const participants = await listAll<Participant>(client, listing, query, limits);
      msg.payload = participants;
      send(msg);
      return t('participants', { count: participants.length });
    }

    // Each page leaves as it arrives, with msg.parts for a join node, so memory stays flat.
    async function pagePerMessage({ client, msg, send, t }: RequestContext, listing: Listing, query: ListQuery, limits: ListingLimits): Promise<string> {
      const id = RED.util.generateId();
      const base: Msg = { ...msg, payload: undefined };
      let index = 0;
      let total = 0;
      for await (const page of listPages<Participant>(client, listing, query, limits)) {
        const out = RED.util.cloneMessage(base as never) as Msg;
        out.payload = page.items;
        out.paging = pagingFacts(page);
        // join concatenates array parts only when len > 1; every payload here is an array.
        out.parts = { id, index, type: 'array', len: Math.max(2, page.page_size || 2) };
        if (!page.next_page_uri) (out.parts as Record<string, unknown>).count = index + 1;
        send(out);
        index++;
        total += page.items.length;
      }
      return `${t('participants', { count: total })}, ${t('pages', { count: index })}`;
    }
  }

  RED.nodes.registerType('signalwire-list-participants', ListParticipantsNode);
};
