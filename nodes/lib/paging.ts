import { SignalWireError } from './errors';
import type { SignalWireClient } from './client';
import type { ListQuery, ParticipantPage } from './types';

export const ALL_PAGES_PAGE_SIZE = 1000;

/**
 * The path (with query) a next_page_uri points to, refusing anything off the space's own
 * origin: credentials are only ever sent where the user configured them.
 */
export function nextPagePath(nextPageUri: string, origin: string): string {
  if (nextPageUri.startsWith('/') && !nextPageUri.startsWith('//')) return nextPageUri;
  let url: URL | undefined;
  try {
    url = new URL(nextPageUri);
  } catch {
    url = undefined;
  }
  if (!url || url.origin !== origin) {
    throw new SignalWireError('bad-response', `SignalWire next_page_uri "${nextPageUri}" is not on the space's origin ${origin}: not followed`);
  }
  return url.pathname + url.search;
}

export interface PagingOptions {
  /** More pages than this is an error: a misbehaving server cannot make us read forever. */
  maxPages: number;
  signal?: AbortSignal;
}

/**
 * Every page of a participant listing, following next_page_uri until it is null. The server's
 * cursor (PageToken) keeps pages consistent while people join and leave, so page numbers are
 * never built here.
 */
export async function* participantPages(
  client: SignalWireClient,
  conferenceSid: string,
  query: ListQuery,
  options: PagingOptions,
): AsyncGenerator<ParticipantPage> {
  const origin = client.settings.endpoint.origin;
  const followed = new Set<string>();
  let page = await client.getPage(client.participantsPath(conferenceSid), query, options.signal);
  let count = 1;
  for (;;) {
    yield page;
    const next = page.next_page_uri;
    if (next === null || next === undefined || next === '') return;
    if (typeof next !== 'string') {
      throw new SignalWireError('bad-response', 'SignalWire next_page_uri is not a string');
    }
    if (followed.has(next)) {
      throw new SignalWireError('bad-response', `SignalWire sent the same next_page_uri twice ("${next}"): stopped to avoid a loop`);
    }
    if (count >= options.maxPages) {
      throw new SignalWireError('bad-response', `SignalWire listing has more than ${options.maxPages} pages (the node's max pages): stopped`);
    }
    followed.add(next);
    page = await client.getPage(nextPagePath(next, origin), undefined, options.signal);
    count++;
  }
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
  if (token !== null && token !== '') ref.pageToken = token;
  return ref;
}

/** The paging facts of a page as they go out on `msg.paging`. */
export function pagingFacts(page: ParticipantPage) {
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
