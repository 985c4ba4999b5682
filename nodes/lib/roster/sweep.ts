// The sweep: what the API says is in progress, applied to the roster without undoing anything
// that arrived after each request was sent. It costs one listing of the conferences in
// progress and one listing of each one's participants (plus their further pages); a followed
// conference the listing leaves out costs one GET of it more (ended, or waiting to start). The
// conferences are read a few at a time (the space's in-flight limit), each against its own mark.
import type { SignalWireClient } from '../client/client';
import { badResponse, describeValue, SignalWireError } from '../shared/errors';
import { forEachConcurrently } from '../client/limiter';
import { ALL_PAGES_PAGE_SIZE, listAll, type ListingLimits } from '../requests/paging';
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
 * One sweep. Rejects with the first request's error (the roster keeps what it has; no further
 * conference is read, and those on their way are applied as they answer), or an abort when
 * `signal` fires. A
 * conference whose listing is refused (over its cap, not JSON...) is skipped and the sweep goes
 * on with the others; it then rejects with that error at the end.
 */
export async function sweep(client: SignalWireClient, roster: Roster, signal: AbortSignal): Promise<SweepResult> {
  const limits = (maxItems: number): ListingLimits => ({ maxItems, maxPages: SWEEP_MAX_PAGES, signal });
  const mark = roster.mark();
  const listing = { path: client.conferencesPath(), itemsKey: 'conferences' };
  const listed = await listAll<unknown>(client, listing, { Status: 'in-progress', PageSize: ALL_PAGES_PAGE_SIZE }, limits(SWEEP_MAX_CONFERENCES));
  const conferences = roster.sweepConferences(
    listed.map(listedConference).filter((c) => c !== null),
    mark,
  );
  let read = 0;
  let refused: SignalWireError | undefined;

  /** Lists one conference's participants and applies them. */
  const participantsOf = async (conferenceSid: string): Promise<void> => {
    const before = roster.mark();
    const participants = await listAll<unknown>(client, { path: client.participantsPath(conferenceSid), itemsKey: 'participants' }, { PageSize: ALL_PAGES_PAGE_SIZE }, limits(MAX_PARTICIPANTS));
    const facts = participants.map((p) => (p !== null && typeof p === 'object' && !Array.isArray(p) ? participantFacts(p as Record<string, unknown>) : null));
    roster.sweepParticipants(conferenceSid, facts.filter((f): f is ParticipantFacts => f !== null), before);
    read++;
  };

  /**
   * A followed conference the listing left out: `completed` (or unknown to the API) has ended;
   * `init` (waiting for a moderator) or `in-progress` (started since the listing) is kept and
   * its participants listed.
   */
  const confirm = async (conferenceSid: string): Promise<void> => {
    const before = roster.mark();
    const status = (await client.getConference(conferenceSid, signal)).status;
    if (status === 'completed') roster.endConference(conferenceSid);
    else if (status === 'init' || status === 'in-progress') {
      if (roster.found(conferenceSid, status, before)) await participantsOf(conferenceSid);
    } else throw badResponse('roster-conference-status', { sid: conferenceSid, value: describeValue(status) });
  };

  /** One conference's part of the sweep; a 404 means it has ended, a refused answer is reported at the end. */
  const settle = async (conferenceSid: string, read: (sid: string) => Promise<void>): Promise<void> => {
    // Ended by an event while the sweep went through the others.
    if (!roster.conference(conferenceSid)) return;
    try {
      await read(conferenceSid);
    } catch (err) {
      // Listed (or followed) a moment ago, unknown now: it has ended.
      if (err instanceof SignalWireError && err.statusCode === 404) roster.endConference(conferenceSid);
      else if (err instanceof SignalWireError && err.kind === 'bad-response') refused ??= err;
      else throw err;
    }
  };

  const work = [...conferences.listed.map((sid) => [sid, participantsOf] as const), ...conferences.missing.map((sid) => [sid, confirm] as const)];
  await forEachConcurrently(work, client.settings.maxInFlight, ([sid, read]) => settle(sid, read));
  if (refused) throw refused;
  return { conferences: read };
}
