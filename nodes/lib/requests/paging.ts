import { badResponse, describeValue, quote, type Subject } from '../shared/errors';
import type { SignalWireClient } from '../client/client';
import type { ListQuery, Page } from '../shared/types';

export const ALL_PAGES_PAGE_SIZE = 1000;
/** The API's page size when a request names none. */
export const API_DEFAULT_PAGE_SIZE = 50;
/** Longer next_page_uri values are refused rather than quoted or followed. */
const MAX_PAGE_URI_CHARS = 2048;

/**
 * The path (with query) a next_page_uri points to. It is followed only when it names the
 * listing's own resource: exactly the path the listing started on, on the space's origin, with
 * a query. Anything else (another host, another account or resource, `..` or `%2e%2e`) is
 * refused before any request, so the credentials only go where the listing went.
 */
export function nextPagePath(nextPageUri: string, origin: string, listingPath: string): string {
  if (nextPageUri.length > MAX_PAGE_URI_CHARS) {
    throw badResponse('page-uri-too-long', { max: MAX_PAGE_URI_CHARS });
  }
  let rest = nextPageUri;
  if (rest.toLowerCase().startsWith(`${origin.toLowerCase()}/`)) rest = rest.slice(origin.length);
  const q = rest.indexOf('?');
  const path = q >= 0 ? rest.slice(0, q) : rest;
  const query = q >= 0 ? rest.slice(q + 1) : '';
  // eslint-disable-next-line no-control-regex
  if (path !== listingPath || query === '' || /[#\\\u0000-\u0020\u007f]/.test(query)) {
    throw badResponse('page-uri-foreign', { uri: quote(nextPageUri), path: listingPath });
  }
  return rest;
}

export interface ListingLimits {
  /** More pages than this is an error: a misbehaving server cannot make us read forever. */
  maxPages: number;
  /** More items in all than this is an error: a listing cannot fill memory. */
  maxItems: number;
  signal?: AbortSignal;
}

/** What a list endpoint is: its path, the key of its items in a page, and what each page gets. */
export interface Listing {
  path: string;
  itemsKey: string;
  /** What a 404 to the listing means was not found (see Subject). */
  about?: Subject;
  /** Runs on each page's items once the page has passed its checks, before anyone sees it. */
  onPage?: (items: unknown[], signal?: AbortSignal) => Promise<void>;
}

/**
 * One page, checked: its items are an array of no more than the page size asked for. A page
 * that breaks this is refused whole.
 */
export async function fetchPage<T>(client: SignalWireClient, listing: Listing, pathWithQuery: string, query: ListQuery | undefined, pageSize: number, signal?: AbortSignal): Promise<Page<T>> {
  const body = await client.getJson(pathWithQuery, query, signal, listing.about);
  const items = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[listing.itemsKey] : undefined;
  if (!Array.isArray(items)) {
    throw badResponse('no-items', { key: listing.itemsKey }, { statusCode: 200 });
  }
  if (items.length > pageSize) {
    throw badResponse('page-too-big', { count: items.length, key: listing.itemsKey, pageSize });
  }
  await listing.onPage?.(items, signal);
  const page = body as Page<T>;
  return { ...page, items: items as T[] };
}

/**
 * Every page of a listing, following next_page_uri until it is null. The server's cursor
 * (PageToken) keeps pages consistent while people join and leave, so page numbers are never
 * built here. Stops with an error past the limits, on a repeated next_page_uri, or on one that
 * leaves the listing.
 */
export async function* listPages<T>(client: SignalWireClient, listing: Listing, query: ListQuery, limits: ListingLimits): AsyncGenerator<Page<T>> {
  const pageSize = query.PageSize ?? API_DEFAULT_PAGE_SIZE;
  const origin = client.settings.endpoint.origin;
  const followed = new Set<string>();
  let page = await fetchPage<T>(client, listing, listing.path, query, pageSize, limits.signal);
  let pages = 1;
  let items = 0;
  for (;;) {
    items += page.items.length;
    if (items > limits.maxItems) {
      throw badResponse('max-items', { max: limits.maxItems, key: listing.itemsKey });
    }
    yield page;
    const next = page.next_page_uri;
    if (next === null || next === undefined || next === '') return;
    if (typeof next !== 'string') {
      throw badResponse('page-uri-type', { value: describeValue(next) });
    }
    if (followed.has(next)) {
      throw badResponse('page-uri-repeated', { uri: quote(next) });
    }
    if (pages >= limits.maxPages) {
      throw badResponse('max-pages', { max: limits.maxPages });
    }
    followed.add(next);
    page = await fetchPage<T>(client, listing, nextPagePath(next, origin, listing.path), undefined, pageSize, limits.signal);
    pages++;
  }
}

/** Every item of a listing in one array; nothing partial is returned if a limit is hit. */
export async function listAll<T>(client: SignalWireClient, listing: Listing, query: ListQuery, limits: ListingLimits): Promise<T[]> {
  const all: T[] = [];
  for await (const page of listPages<T>(client, listing, query, limits)) {
    for (const item of page.items) all.push(item);
  }
  return all;
}

/** Page, PageSize and PageToken of a page URI, so a flow can ask for that page itself. */
export interface PageRef {
  page?: number;
  pageSize?: number;
  pageToken?: string;
}

export function pageRef(uri: string | null | undefined): PageRef | null {
  if (typeof uri !== 'string' || uri === '') return null;
  const q = uri.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? uri.slice(q + 1) : '');
  const ref: PageRef = {};
  const page = params.get('Page');
  const size = params.get('PageSize');
  const token = params.get('PageToken');
  if (page !== null && page !== '' && Number.isInteger(Number(page))) ref.page = Number(page);
  if (size !== null && size !== '' && Number.isInteger(Number(size))) ref.pageSize = Number(size);
  if (token !== null && token !== '' && token.length <= 512) ref.pageToken = token;
  return ref;
}

/** The paging facts of a page as they go out on `msg.paging`. */
export function pagingFacts(page: Page<unknown>) {
  return {
    page: page.page,
    pageSize: page.page_size,
    uri: page.uri,
    firstPageUri: page.first_page_uri,
    nextPageUri: page.next_page_uri ?? null,
    previousPageUri: page.previous_page_uri ?? null,
    next: pageRef(page.next_page_uri),
    previous: pageRef(page.previous_page_uri),
  };
}
