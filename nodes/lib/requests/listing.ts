import type { NodeAPI } from 'node-red';
import { problemError, type FailureKind, type SignalWireError } from '../shared/errors';
import { msgOrNode, numberInput, optionalPageToken, type Msg } from './inputs';
import { ALL_PAGES_PAGE_SIZE, API_DEFAULT_PAGE_SIZE, fetchPage, listAll, listPages, pagingFacts, type Listing, type ListingLimits } from './paging';
import type { RequestContext } from './request-node';
import { checkDate, checkNumber, type ConferenceDateField, type NumberField, type Problem } from '../shared/rules';
import type { ListQuery } from '../shared/types';

/** How a list node sends a listing: every item in one message, one page, or a message per page. */
export type ListMode = 'all' | 'page' | 'pages';

/** The paging settings of a list node, as saved by its dialog. */
export interface ListNodeConfig {
  mode?: string;
  pageSize?: string | number;
  page?: string | number;
  pageToken?: string;
  maxPages?: string | number;
  maxItems?: string | number;
}

/** A list node's settings, checked once at deploy; a bad one fails every message with its reason. */
export interface ListSettings {
  mode: ListMode;
  config: ListNodeConfig;
  maxPages: number;
  maxItems: number;
  problem?: SignalWireError;
}

export function listSettings(config: ListNodeConfig): ListSettings {
  const mode: ListMode = config.mode === 'page' || config.mode === 'pages' ? config.mode : 'all';
  const settings: ListSettings = { mode, config, maxPages: 0, maxItems: 0 };
  // The limits only count in the modes that follow next_page_uri.
  const limit = (field: NumberField & ('maxPages' | 'maxItems'), value: unknown): number => {
    const checked = checkNumber(field, mode === 'page' ? undefined : value);
    if ('problem' in checked) {
      settings.problem ??= problemError('config', checked.problem, value);
      return 0;
    }
    return checked.value as number;
  };
  settings.maxPages = limit('maxPages', config.maxPages);
  settings.maxItems = limit('maxItems', config.maxItems);
  return settings;
}

/**
 * A list filter from the msg property of the node property's name when set, else from the node,
 * checked by its rule: a bad one is an error of `kind` (bad input from a message, config from
 * the node's settings at deploy) quoting the value, before any request.
 */
export function filterValue(msgValue: unknown, nodeValue: unknown, check: (v: unknown) => { value: string | undefined } | { problem: Problem }, kind: FailureKind): string | undefined {
  const value = msgOrNode(msgValue, nodeValue);
  const checked = check(value);
  if ('problem' in checked) throw problemError(kind, checked.problem, value);
  return checked.value;
}

/** The date filters `names` (node property -> API name, e.g. dateCreatedBefore -> `DateCreated<`), each `YYYY-MM-DD`. */
export function dateFilters(msg: Msg, config: Partial<Record<ConferenceDateField, unknown>>, names: Partial<Record<ConferenceDateField, string>>, kind: FailureKind): ListQuery {
  const query: Record<string, string | undefined> = {};
  for (const [field, name] of Object.entries(names) as Array<[ConferenceDateField, string]>) {
    query[name] = filterValue(msg[field], config[field], (v) => checkDate(field, v), kind);
  }
  return query as ListQuery;
}

/** What the status says of `count` items: the node's own words, e.g. "3 participants". */
export type CountText = (count: number) => string;

/**
 * Lists `listing` as the node's mode says and sends the result: the whole list in
 * msg.payload, one page with msg.paging, or each page with msg.paging and msg.parts (for a
 * join node). Resolves to the status text. Every list node is this one function.
 */
export async function sendListing(RED: NodeAPI, ctx: RequestContext, listing: Listing, filters: ListQuery, settings: ListSettings, countText: CountText): Promise<string> {
  if (settings.problem) throw settings.problem;
  const { msg, config } = { msg: ctx.msg, config: settings.config };
  if (settings.mode === 'all') {
    const items = await listAll(ctx.client, listing, { ...filters, PageSize: ALL_PAGES_PAGE_SIZE }, limitsOf(ctx, settings));
    msg.payload = items;
    ctx.send(msg);
    return countText(items.length);
  }
  // The page fields only count in the modes that use them.
  const pageSize = numberInput('pageSize', msgOrNode(msg.pageSize, config.pageSize));
  if (settings.mode === 'page') {
    // Undefined values are left out of the query string by axios.
    const query: ListQuery = {
      ...filters,
      PageSize: pageSize,
      Page: numberInput('page', msgOrNode(msg.page, config.page)),
      PageToken: optionalPageToken(msgOrNode(msg.pageToken, config.pageToken)),
    };
    const page = await fetchPage(ctx.client, listing, listing.path, query, pageSize ?? API_DEFAULT_PAGE_SIZE, ctx.signal);
    msg.payload = page.items;
    msg.paging = pagingFacts(page);
    ctx.send(msg);
    return `${ctx.t('status.page', { page: page.page })}: ${countText(page.items.length)}`;
  }
  // Each page leaves as it arrives, so memory stays flat.
  const id = RED.util.generateId();
  const base: Msg = { ...msg, payload: undefined };
  let index = 0;
  let total = 0;
  for await (const page of listPages(ctx.client, listing, { ...filters, PageSize: pageSize ?? ALL_PAGES_PAGE_SIZE }, limitsOf(ctx, settings))) {
    const out = RED.util.cloneMessage(base as never) as Msg;
    out.payload = page.items;
    out.paging = pagingFacts(page);
    // join concatenates array parts only when len > 1; every payload here is an array.
    out.parts = { id, index, type: 'array', len: Math.max(2, page.page_size || 2) };
    if (!page.next_page_uri) (out.parts as Record<string, unknown>).count = index + 1;
    ctx.send(out);
    index++;
    total += page.items.length;
  }
  return `${countText(total)}, ${ctx.t('status.pages', { count: index })}`;
}

function limitsOf(ctx: RequestContext, settings: ListSettings): ListingLimits {
  return { maxPages: settings.maxPages, maxItems: settings.maxItems, signal: ctx.signal };
}
