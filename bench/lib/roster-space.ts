// Section 7 (the conference roster, issue 13), in the fake space's process: a FakeSpace of its
// own, so the roster's sweeps see only this section's conferences (the other sections leave
// theirs in progress in the shared one, up to 100,000 participants), the conferences each case
// needs, and their callbacks built by the simulator (simulator/conference/callback-params.ts), signed and
// kept as a batch that post-callbacks sends like section 5's.
import { conferenceCallbackParams, type StatusCallbackEvent } from '../../simulator/conference/callback-params';
import { FakeSpace, parseCallRoute, parseConferenceRoute, parseConferencesRoute, parseRoute } from '../../simulator/api/fake-space';
import { keepBatch, type PrepareCallbacks } from './callbacks';
import type { FakeInfo } from './ipc';

/**
 * - `speech`: `conferences` x `participants` in the space; callback i is a speech start or stop
 *   of one of them (round robin over the conferences, then their participants), each one a
 *   change, with Timestamps 1 ms apart (the same kind for the same participant is 1 s apart or
 *   more when `conferences * participants * 2 >= 1000`, so none is a repeat);
 * - `storm`: one conference of `participants`; a conference-start, then each one's join;
 * - `sweep`: `conferences` x `participants`, no callbacks.
 */
export interface PrepareRoster extends Pick<PrepareCallbacks, 'signingKey' | 'signedUrls'> {
  kind: 'speech' | 'storm' | 'sweep';
  conferences: number;
  participants: number;
  /** speech: how many callbacks. */
  callbacks?: number;
}

export type RosterCommand =
  | { action: 'start' }
  | ({ action: 'prepare' } & PrepareRoster)
  | { action: 'latency'; ms: number }
  | { action: 'reset' }
  | { action: 'counts' }
  | { action: 'stop' };

/** Requests the roster's space saw since the last reset. */
export interface RosterCounts {
  /** GET .../Conferences (the sweep's listing of conferences in progress, every page) */
  conferenceLists: number;
  /** GET .../Conferences/{sid}/Participants (every page) */
  participantLists: number;
  /** GET .../Conferences/{sid} */
  conferenceGets: number;
  /** GET .../Calls/{sid} */
  calls: number;
  other: number;
  maxInFlight: number;
}

let space: FakeSpace | undefined;

function current(): FakeSpace {
  if (!space) throw new Error('no roster space: start it first');
  return space;
}

export async function rosterCommand(cmd: RosterCommand): Promise<unknown> {
  switch (cmd.action) {
    case 'start': {
      await space?.close();
      space = new FakeSpace();
      space.maxRecordedRequests = 10_000_000;
      await space.start();
      const info: FakeInfo = { url: space.url, projectId: space.projectId, apiToken: space.apiToken };
      return info;
    }
    case 'prepare':
      return prepare(current(), cmd);
    case 'latency':
      current().latencyMs = cmd.ms;
      return null;
    case 'reset':
      current().resetStats();
      return null;
    case 'counts':
      return counts(current());
    case 'stop':
      await space?.close();
      space = undefined;
      return null;
    default:
      throw new Error(`unknown roster action ${(cmd as { action: string }).action}`);
  }
}

function prepare(s: FakeSpace, opts: PrepareRoster): { batch: number | null; conferenceSids: string[] } {
  const conferenceSids: string[] = [];
  const conferences = opts.kind === 'storm' ? 1 : opts.conferences;
  for (let c = 0; c < conferences; c++) {
    const sid = s.addConference(undefined, { friendly_name: `roster-bench-${c}` });
    s.addParticipants(sid, opts.participants);
    conferenceSids.push(sid);
  }
  if (opts.kind === 'sweep') return { batch: null, conferenceSids };
  const t0 = Date.now();
  const params: Array<Record<string, string>> = [];
  const callSids: string[] = [];
  const conference = (sid: string) => ({ sid, friendlyName: s.conference(sid)!.friendly_name });
  if (opts.kind === 'storm') {
    const sid = conferenceSids[0];
    params.push(conferenceCallbackParams(s, 'conference-start', conference(sid), null, t0));
    callSids.push('');
    for (const [i, p] of s.participants(sid).entries()) {
      params.push(conferenceCallbackParams(s, 'participant-join', conference(sid), p, t0 + i));
      callSids.push(p.call_sid);
    }
  } else {
    const people = conferenceSids.map((sid) => s.participants(sid));
    const k = conferenceSids.length;
    for (let i = 0; i < (opts.callbacks ?? 0); i++) {
      const m = Math.floor(i / k);
      const p = people[i % k][m % opts.participants];
      const event: StatusCallbackEvent = Math.floor(m / opts.participants) % 2 === 0 ? 'participant-speech-start' : 'participant-speech-stop';
      params.push(conferenceCallbackParams(s, event, conference(conferenceSids[i % k]), p, t0 + i));
      callSids.push(p.call_sid);
    }
  }
  return { batch: keepBatch(conferenceSids[0], callSids, params, opts), conferenceSids };
}

function counts(s: FakeSpace): RosterCounts {
  const c: RosterCounts = { conferenceLists: 0, participantLists: 0, conferenceGets: 0, calls: 0, other: 0, maxInFlight: s.maxInFlight };
  for (const r of s.requests) {
    const route = r.method === 'GET' ? parseRoute(r.path) : null;
    if (r.method === 'GET' && parseCallRoute(r.path)) c.calls++;
    else if (route && route.callSid === null) c.participantLists++;
    else if (r.method === 'GET' && parseConferencesRoute(r.path)) c.conferenceLists++;
    else if (r.method === 'GET' && parseConferenceRoute(r.path)) c.conferenceGets++;
    else c.other++;
  }
  return c;
}
