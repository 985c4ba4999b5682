// The conference roster at work inside its node: the pure state (state.ts) with what it needs
// around it: the two throttled outputs, the sweep schedule, the call lookups in the background,
// the status and the warnings, and one close that stops all of them.
import { setMaxListeners } from 'node:events';
import type { Node, NodeMessage } from 'node-red';
import type { SignalWireClient } from '../client/client';
import { Coalescer } from '../shared/coalescer';
import { toSignalWireError, type SignalWireError } from '../shared/errors';
import { CoalescedStatus, failureReason, WarningLimiter } from '../shared/status';
import { text, type Translate } from '../shared/texts';
import { DetailsLookups } from './details';
import type { RosterInput } from './input';
import { conferenceInfo, endedInfo, overview, RowFormat, stateWords } from './rows';
import { SweepSchedule } from './schedule';
import type { RosterSettings } from './settings';
import { MAX_CONFERENCES, MAX_PARTICIPANTS, Roster, type EndedConference } from './state';
import { sweep } from './sweep';

/** The coalescer key of output 2: one list for every conference. */
const OVERVIEW = 'conferences';

export interface LiveRosterOptions {
  node: Node;
  client: SignalWireClient;
  settings: RosterSettings;
  t: Translate;
}

/**
 * One node's roster: `apply` takes what a message says (never waiting for the network), `start`
 * runs the deploy sweep and the schedule, `close` stops everything; nothing is sent after it.
 */
export class LiveRoster {
  private readonly node: Node;
  private readonly client: SignalWireClient;
  private readonly t: Translate;
  private readonly format: RowFormat;
  /** Every lookup of call details listens on this one signal. */
  private readonly closing = new AbortController();
  private readonly warnings = new WarningLimiter();
  private readonly display: CoalescedStatus;
  private readonly conferenceOut: Coalescer<EndedConference | undefined>;
  private readonly overviewOut: Coalescer<true>;
  private readonly lookups: DetailsLookups | undefined;
  private readonly roster: Roster;
  private readonly schedule: SweepSchedule;
  private lastSweepAt: number | undefined;
  private sweepError: SignalWireError | undefined;
  private closed = false;

  constructor({ node, client, settings, t }: LiveRosterOptions) {
    this.node = node;
    this.client = client;
    this.t = t;
    this.format = new RowFormat(stateWords(text), settings.timeZone);
    setMaxListeners(0, this.closing.signal);
    this.display = new CoalescedStatus(node);

    // Output 1, per conference: the rows as they are when the message leaves; an ended
    // conference's last message carries what it was when it ended.
    this.conferenceOut = new Coalescer<EndedConference | undefined>(settings.throttleMs, (conferenceSid, ended) => {
      if (ended) {
        this.send([{ conferenceSid, payload: [], conference: endedInfo(ended) } as NodeMessage, null]);
        return;
      }
      const conf = this.roster.conference(conferenceSid);
      if (conf) this.send([{ conferenceSid, payload: this.format.rows(conf), conference: conferenceInfo(conf) } as NodeMessage, null]);
    });
    // Output 2: the live conferences.
    this.overviewOut = new Coalescer<true>(settings.throttleMs, () => {
      this.send([null, { payload: overview(this.roster.conferences()) } as NodeMessage]);
    });

    this.lookups = settings.callDetails
      ? new DetailsLookups(
          client,
          this.closing.signal,
          (conferenceSid, callSid) => this.roster.conference(conferenceSid)?.participants.has(callSid) === true,
          (conferenceSid, callSid, facts) => this.roster.details(conferenceSid, callSid, facts),
        )
      : undefined;

    this.roster = new Roster({
      rows: (conferenceSid) => this.conferenceOut.push(conferenceSid, undefined),
      overview: () => this.overviewOut.push(OVERVIEW, true),
      ended: (conf) => this.conferenceOut.push(conf.sid, conf),
      sweep: () => this.schedule.request(),
      details: (conferenceSid, callSid) => this.lookups?.want(conferenceSid, callSid),
      // At most one warning a minute, however many are refused.
      refused: (what, conferenceSid) =>
        this.warnings.warn(node, () =>
          what === 'conferences'
            ? text('log.roster-conferences-full', { max: MAX_CONFERENCES, sid: conferenceSid })
            : text('log.roster-participants-full', { max: MAX_PARTICIPANTS, sid: conferenceSid }),
        ),
    });

    this.schedule = new SweepSchedule({
      intervalMs: settings.reconcileMs,
      minGapMs: settings.sweepGapMs,
      run: (signal) => sweep(client, this.roster, signal),
      finished: (error) => this.swept(error),
    });
  }

  /** The deploy sweep, then one every interval. */
  start(): void {
    this.showStatus();
    this.schedule.start();
  }

  /** What one message says, applied at once. */
  apply(input: RosterInput): void {
    const roster = this.roster;
    switch (input.kind) {
      case 'refresh':
        this.schedule.request();
        break;
      case 'event':
        roster.event(input.event);
        break;
      case 'participants':
        for (const p of input.participants) roster.participant(p);
        break;
      case 'removed':
        roster.removed(input.conferenceSid, input.callSid);
        break;
      case 'recordings':
        for (const r of input.recordings) roster.recording(r);
        break;
      case 'conference':
        if (input.status === 'completed') roster.endConference(input.conferenceSid);
        else roster.found(input.conferenceSid, input.status, roster.mark());
        break;
      case 'ignored':
        break;
    }
    this.showStatus();
  }

  /** Stops the schedule and any sweep or lookup on its way; nothing is sent afterwards. */
  close(): void {
    this.closed = true;
    this.schedule.close();
    this.closing.abort();
    this.conferenceOut.close();
    this.overviewOut.close();
    this.roster.clear();
    this.display.close();
    this.node.status({});
  }

  private send(out: [NodeMessage | null, NodeMessage | null]): void {
    if (!this.closed) this.node.send(out);
  }

  private swept(error: unknown): void {
    if (error === undefined) {
      this.sweepError = undefined;
      this.lastSweepAt = Date.now();
    } else {
      // Server text may echo a credential: redacted like every request node's error.
      const err = this.client.redact(toSignalWireError(error));
      // Once per failure streak: the status keeps showing it.
      if (!this.sweepError) this.node.warn(text('log.sweep-failed', { message: err.message }));
      this.sweepError = err;
    }
    this.showStatus();
  }

  private showStatus(): void {
    const t = this.t;
    this.display.show(() => {
      const parts = [t('status.conferences', { count: this.roster.conferenceCount }), t('status.participants', { count: this.roster.participantCount })];
      if (this.sweepError) parts.push(t('status.sweep-failed', { reason: failureReason(t, this.sweepError) }));
      else if (this.lastSweepAt !== undefined) parts.push(t('status.swept', { time: this.format.clockTime(this.lastSweepAt) }));
      else parts.push(t('status.sweeping'));
      return this.sweepError ? { fill: 'yellow', shape: 'ring', text: parts.join(', ') } : { fill: 'green', shape: 'dot', text: parts.join(', ') };
    });
  }
}
