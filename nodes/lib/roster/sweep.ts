// The sweep: what the API says is in progress, applied to the roster without undoing anything
// that arrived after each request was sent. It costs one listing of the conferences in
// progress and one listing of each one's participants (plus their further pages).
import type { SignalWireClient } from '../client';
import { SignalWireError } from '../errors';
import { ALL_PAGES_PAGE_SIZE, listAll, type ListingLimits } from '../paging';
import { listedConference, participantFacts } from './input';
import { MAX_PARTICIPANTS, type ParticipantFacts, type Roster } from './state';

/** Conferences in progress a sweep reads at most (the roster keeps MAX_CONFERENCES of them). */
export const SWEEP_MAX_CONFERENCES = 10_000;
/** Pages of one listing at most: the items' cap in pages of 1000, and one more. */
const SWEEP_MAX_PAGES = 11;

/** What a sweep found: how many conferences it read the participants of. */
export interface SweepResult {
  conferences: number;
}

/**
 * One sweep. Rejects with the first request's error (the roster keeps what it has; what the
 * conferences answered before the failure is applied), or an abort when `signal` fires. A
 * conference whose listing is refused (over its cap, not JSON...) is skipped and the sweep goes
 * on with the others; it then rejects with that error at the end.
 */
export async function sweep(client: SignalWireClient, roster: Roster, signal: AbortSignal): Promise<SweepResult> {
  const limits = (maxItems: number): ListingLimits => ({ maxItems, maxPages: SWEEP_MAX_PAGES, signal });
  const mark = roster.mark();
  const listing = { path: client.conferencesPath(), itemsKey: 'conferences' };
  const listed = await listAll<unknown>(client, listing, { Status: 'in-progress', PageSize: ALL_PAGES_PAGE_SIZE }, limits(SWEEP_MAX_CONFERENCES));
  const conferences = listed.map(listedConference).filter((c) => c !== null);
  const kept = roster.sweepConferences(conferences, mark);
  let read = 0;
  let refused: SignalWireError | undefined;
  for (const conferenceSid of kept) {
    // Ended by an event while the sweep went through the others.
    if (!roster.conference(conferenceSid)) continue;
    const before = roster.mark();
    let participants: unknown[];
    try {
      participants = await listAll<unknown>(client, { path: client.participantsPath(conferenceSid), itemsKey: 'participants' }, { PageSize: ALL_PAGES_PAGE_SIZE }, limits(MAX_PARTICIPANTS));
    } catch (err) {
      // Listed in progress a moment ago, unknown now: it ended in between.
      if (err instanceof SignalWireError && err.statusCode === 404) {
        roster.endConference(conferenceSid);
        continue;
      }
      if (err instanceof SignalWireError && err.kind === 'bad-response') {
        refused ??= err;
        continue;
      }
      throw err;
    }
    const facts = participants.map((p) => (p !== null && typeof p === 'object' && !Array.isArray(p) ? participantFacts(p as Record<string, unknown>) : null));
    roster.sweepParticipants(conferenceSid, facts.filter((f): f is ParticipantFacts => f !== null), before);
    read++;
  }
  if (refused) throw refused;
  return { conferences: read };
}
